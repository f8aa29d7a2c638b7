// Refuses a sweep file that is not UTF-8 text (Latin-1, UTF-16, an image) in words, naming the first bad byte's line.
package gpumlp.sweep;

import gpumlp.UserError;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

final class Utf8Text {
    private Utf8Text() {
    }

    /** Throws a UserError unless {@code bytes} are UTF-8 text without NUL bytes; {@code what} names the file. */
    static void require(byte[] bytes, String what) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
                || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF))) {
            throw new UserError(what + " is UTF-16 text, not UTF-8: save it as UTF-8");
        }
        int bad = firstInvalid(bytes);
        for (int i = 0; i < (bad < 0 ? bytes.length : bad); i++) {
            if (bytes[i] == 0) {
                bad = i;
                break;
            }
        }
        if (bad >= 0) {
            String which = bytes[bad] == 0 ? "a NUL byte" : String.format(Locale.ROOT, "byte 0x%02X", bytes[bad] & 0xFF);
            throw new UserError(what + " is not UTF-8 text (" + which + " on line " + line(bytes, bad)
                    + "; Latin-1, UTF-16 or not text at all?): save it as UTF-8");
        }
    }

    /** The offset of the first byte that is not valid UTF-8, or -1. */
    private static int firstInvalid(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(4096);
        while (in.hasRemaining()) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError() || (r.isUnderflow() && in.hasRemaining())) {
                return in.position();
            }
            out.clear();
        }
        return -1;
    }

    private static int line(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
