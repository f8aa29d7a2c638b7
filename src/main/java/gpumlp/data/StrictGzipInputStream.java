// Decompresses gzip data (one or more members, RFC 1952) and refuses anything after it, which the JDK's reader ignores.
package gpumlp.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * {@code GZIPInputStream} stops silently at bytes after the last member that do not start another
 * one, so a data file with junk appended would load. Here each member's header, CRC-32 and length
 * are checked, further members are read as gunzip does, and anything else is a {@link ZipException};
 * a stream cut short is an {@link EOFException}.
 */
final class StrictGzipInputStream extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[1 << 16];
    private int lastRead;
    private long memberBytes;
    private boolean eof;

    StrictGzipInputStream(InputStream raw) throws IOException {
        in = new PushbackInputStream(raw, buf.length);
        header(true);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() == null ? "invalid compressed data" : e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                endOfMember();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("compressed data needs a preset dictionary");
            } else if (inflater.needsInput()) {
                lastRead = in.read(buf);
                if (lastRead == -1) {
                    throw new EOFException("unexpected end of compressed data");
                }
                inflater.setInput(buf, 0, lastRead);
            }
        }
        return -1;
    }

    /** Checks the trailer, then expects the end of the data or another member. */
    private void endOfMember() throws IOException {
        int rest = inflater.getRemaining();
        in.unread(buf, lastRead - rest, rest); // the input the member did not use: the trailer and what follows
        byte[] trailer = in.readNBytes(8);
        if (trailer.length < 8) {
            throw new EOFException("unexpected end of the gzip trailer");
        }
        if (le32(trailer, 0) != crc.getValue() || le32(trailer, 4) != (memberBytes & 0xffffffffL)) {
            throw new ZipException("corrupt gzip trailer (CRC or length mismatch)");
        }
        int next = in.read();
        if (next < 0) {
            eof = true;
            return;
        }
        in.unread(next);
        header(false);
        inflater.reset();
        crc.reset();
        memberBytes = 0;
    }

    private void header(boolean first) throws IOException {
        byte[] h = in.readNBytes(10);
        if (h.length < 2 || (h[0] & 0xff) != 0x1f || (h[1] & 0xff) != 0x8b) {
            throw new ZipException(first ? "not in gzip format" : "unexpected bytes after the end of the gzip data");
        }
        if (h.length < 10) {
            throw new EOFException("unexpected end of the gzip header");
        }
        if (h[2] != 8 || (h[3] & 0xe0) != 0) {
            throw new ZipException("unsupported gzip compression method or flags");
        }
        int flags = h[3];
        if ((flags & FEXTRA) != 0) {
            byte[] len = exactly(2);
            exactly((len[0] & 0xff) | (len[1] & 0xff) << 8);
        }
        if ((flags & FNAME) != 0) {
            zeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            zeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            exactly(2);
        }
    }

    private byte[] exactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("unexpected end of the gzip header");
        }
        return b;
    }

    private void zeroTerminated() throws IOException {
        for (int c; (c = in.read()) != 0; ) {
            if (c == -1) {
                throw new EOFException("unexpected end of the gzip header");
            }
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
