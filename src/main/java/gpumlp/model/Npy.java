// Writes and reads one 2-D little-endian float32 NumPy .npy array (format 1.0 written; 1.0 and 2.0 read).
package gpumlp.model;

import gpumlp.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The .npy layout: magic {@code \x93NUMPY}, major and minor version bytes, the header length
 * (uint16 LE in 1.0, uint32 LE in 2.0), a Python dict literal padded with spaces and ending in
 * {@code '\n'} so that data starts at a multiple of 64, then rows*cols float32 values in C order.
 * Read errors are {@link UserError}s that begin with the {@code source} the caller names.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy leaves room for the leading axis to grow to this many digits (np.lib.format). */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_HEADER = 1 << 20;
    /** The most values one array may hold: its bytes must fit one Java array. */
    public static final long MAX_VALUES = (Integer.MAX_VALUE - 8) / Float.BYTES;

    /** A parsed header: the array is rows x cols. */
    public record Header(int rows, int cols) {
        public int count() {
            return rows * cols;
        }
    }

    /** A whole array: data[i * cols + j] is element (i, j). */
    public record Array(int rows, int cols, float[] data) {
    }

    private Npy() {
    }

    /** The header bytes numpy itself writes for a (rows, cols) float32 C-order array, version 1.0. */
    public static byte[] header(int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Integer.toString(rows).length()));
        int hlen = dict.length() + 1;
        int pad = ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ALIGN);
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** The complete .npy file of the (rows, cols) array {@code data} (row-major, length rows*cols). */
    public static byte[] toBytes(int rows, int cols, float[] data) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("shape (" + rows + ", " + cols + ") needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
        byte[] header = header(rows, cols);
        ByteBuffer b = ByteBuffer.allocate(header.length + data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header).asFloatBuffer().put(data);
        return b.array();
    }

    /** Reads a whole array; {@code source} names it in errors, e.g. "model file m.npz, entry W1.npy". */
    public static Array read(InputStream in, String source) throws IOException {
        Header h = readHeader(in, source);
        return new Array(h.rows(), h.cols(), readData(in, h, source));
    }

    /** Reads and checks the magic, version and header dict, leaving {@code in} at the first value. */
    public static Header readHeader(InputStream in, String source) throws IOException {
        byte[] start = in.readNBytes(MAGIC.length + 2);
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= start.length || start[i] != MAGIC[i]) {
                throw new UserError(source + ": not a NumPy .npy array (the file does not start with \\x93NUMPY)");
            }
        }
        if (start.length < MAGIC.length + 2) {
            throw new UserError(source + ": truncated .npy header");
        }
        int major = start[6];
        int minor = start[7];
        int lenBytes;
        if (major == 1 && minor == 0) {
            lenBytes = 2;
        } else if (major == 2 && minor == 0) {
            lenBytes = 4;
        } else {
            throw new UserError(source + ": unsupported .npy format version " + major + "." + minor
                    + " (1.0 and 2.0 are supported)");
        }
        byte[] lenRaw = in.readNBytes(lenBytes);
        if (lenRaw.length < lenBytes) {
            throw new UserError(source + ": truncated .npy header");
        }
        ByteBuffer lb = ByteBuffer.wrap(lenRaw).order(ByteOrder.LITTLE_ENDIAN);
        long hlen = lenBytes == 2 ? Short.toUnsignedInt(lb.getShort()) : Integer.toUnsignedLong(lb.getInt());
        if (hlen > MAX_HEADER) {
            throw new UserError(source + ": .npy header claims " + hlen + " bytes, which is implausible");
        }
        byte[] dictRaw = in.readNBytes((int) hlen);
        if (dictRaw.length < hlen) {
            throw new UserError(source + ": truncated .npy header");
        }
        return parseDict(new String(dictRaw, StandardCharsets.ISO_8859_1).trim(), source);
    }

    /** Reads the h.count() values that follow the header, in chunks (no second copy of the data in memory). */
    public static float[] readData(InputStream in, Header h, String source) throws IOException {
        float[] data = new float[h.count()];
        byte[] buf = new byte[1 << 16];
        for (int done = 0; done < data.length; ) {
            int values = Math.min(buf.length / Float.BYTES, data.length - done);
            int got = in.readNBytes(buf, 0, values * Float.BYTES);
            if (got < values * Float.BYTES) {
                throw new UserError(source + ": truncated .npy data: shape (" + h.rows() + ", " + h.cols() + ") needs "
                        + (long) data.length * Float.BYTES + " bytes, found " + ((long) done * Float.BYTES + got));
            }
            ByteBuffer.wrap(buf, 0, got).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, done, values);
            done += values;
        }
        return data;
    }

    private static Header parseDict(String dict, String source) {
        Map<String, Object> d = NpyHeaderDict.parse(dict, source);
        if (!(d.get("descr") instanceof String descr)) {
            throw new UserError(source + ": malformed .npy header: descr is " + d.get("descr") + ", not a string");
        }
        if (!descr.equals("<f4")) {
            throw new UserError(source + ": array has dtype '" + NpyHeaderDict.printable(descr) + "', expected little-endian float32 '<f4'"
                    + " (convert with arr.astype('<f4'))");
        }
        if (!(d.get("fortran_order") instanceof Boolean fortran)) {
            throw new UserError(source + ": malformed .npy header: fortran_order is " + d.get("fortran_order"));
        }
        if (fortran) {
            throw new UserError(source + ": array is stored in Fortran order; expected C order"
                    + " (save np.ascontiguousarray(arr))");
        }
        if (!(d.get("shape") instanceof List<?> dims)) {
            throw new UserError(source + ": malformed .npy header: shape is " + d.get("shape") + ", not a tuple");
        }
        if (dims.size() != 2) {
            throw new UserError(source + ": array has " + dims.size() + " dimensions " + dims
                    + ", expected a 2-D matrix");
        }
        long rows = (Long) dims.get(0);
        long cols = (Long) dims.get(1);
        if (rows > MAX_VALUES || cols > MAX_VALUES || rows * cols > MAX_VALUES) {
            throw new UserError(source + ": unsupported array shape (" + rows + ", " + cols + "): more than "
                    + MAX_VALUES + " values");
        }
        return new Header((int) rows, (int) cols);
    }
}
