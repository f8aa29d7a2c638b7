// Test helper: builds IDX file bytes (any header, any payload) and writes them raw or gzip-compressed.
package gpumlp.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

public final class IdxBytes {
    private IdxBytes() {}

    /** An unsigned-byte IDX file: header for {@code dims}, then {@code data} as given (may be short or long). */
    public static byte[] ubyte(byte[] data, int... dims) {
        return idx(0x08, data, dims);
    }

    /** Any type code; the payload is written as given. */
    public static byte[] idx(int type, byte[] data, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** Bytes 0, 1, 2, ... n-1 (mod 256). */
    public static byte[] ramp(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
