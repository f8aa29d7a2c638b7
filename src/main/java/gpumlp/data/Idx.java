// Reads one IDX file (raw or gzip-compressed, detected by magic bytes) of unsigned bytes, with strict format checks.
package gpumlp.data;

import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.ZipException;

public final class Idx {
    /** The only element type supported: unsigned byte. */
    public static final int TYPE_UBYTE = 0x08;
    public static final int MAX_DIMS = 4;
    /** Largest data section we can hold in one Java array. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;
    /** Deflate cannot compress better than about 1032:1, so a gzip file promising more is truncated. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    /**
     * One IDX array: {@code dims} as in the header (dims[0] is usually the sample count), {@code data} the
     * product(dims) unsigned bytes in row-major order (only the first items when read with a limit), {@code sha256} the lowercase hex SHA-256 of the whole
     * decompressed file (header included).
     */
    public record Array(int[] dims, byte[] data, String sha256) {
        public int ndims() { return dims.length; }

        @Override
        public String toString() {
            return "Idx.Array" + Arrays.toString(dims) + " sha256=" + sha256;
        }
    }

    private Idx() {}

    /**
     * What {@link #read} checks before it opens {@code file}, without reading it: a non-empty regular
     * file (never a FIFO or device, whose reading could block). Returns its size.
     */
    public static long check(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + ": is a directory, expected an IDX file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file does not exist");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + IoErrors.describe(e), e);
        }
        InputFiles.regularFile(file, "data file");
        if (size == 0) {
            throw new IdxFormatException(file + ": file is empty, expected an IDX file (raw or gzip-compressed)");
        }
        return size;
    }

    /** Reads and validates {@code file}; throws IdxFormatException (a UserError) naming the file on any problem. */
    public static Array read(Path file) {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(Path)}, but keeps in memory only the first {@code maxItems} items (along the
     * first dimension): the rest is still read, checked and part of the checksum, so a limited run
     * records the same data checksums as a full one. {@code dims} stay those of the header.
     */
    public static Array read(Path file, long maxItems) {
        long size = check(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            boolean gzip = startsWithGzipMagic(raw);
            return gzip ? readGzip(file, raw, size, maxItems) : parse(file, raw, false, size, maxItems);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file does not exist");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    private static Array readGzip(Path file, InputStream raw, long size, long maxItems) throws IOException {
        try (InputStream in = new StrictGzipInputStream(raw)) {
            return parse(file, in, true, size, maxItems);
        } catch (EOFException e) {
            throw new IdxFormatException(file + ": gzip data is truncated (unexpected end of compressed stream);"
                    + " download or decompress the file again", e);
        } catch (ZipException e) {
            throw new IdxFormatException(file + ": not valid gzip data (" + e.getMessage() + ");"
                    + " the file starts like gzip (1f 8b) but is corrupt", e);
        }
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** Parses the decompressed stream; {@code fileSize} is the size of the file as stored (compressed or not). */
    private static Array parse(Path file, InputStream decompressed, boolean gzip, long fileSize, long maxItems)
            throws IOException {
        MessageDigest sha = sha256();
        InputStream in = new DigestInputStream(decompressed, sha);
        String what = gzip ? " (after gzip decompression)" : "";

        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new IdxFormatException(file + ": header too short" + what + ": an IDX file starts with 4 magic bytes,"
                    + " found only " + magic.length);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(file + ": bad magic number " + hex(magic) + what + ": an IDX file starts with"
                    + " two zero bytes, a type byte and a dimension count (e.g. 00 00 08 03); is this an IDX file?");
        }
        int type = magic[2] & 0xff;
        if (type != TYPE_UBYTE) {
            throw new IdxFormatException(file + ": type " + String.format("0x%02X", type) + " (" + typeName(type)
                    + ") is not supported, only unsigned bytes (0x08)");
        }
        int ndims = magic[3] & 0xff;
        if (ndims < 1 || ndims > MAX_DIMS) {
            throw new IdxFormatException(file + ": header says " + ndims + " dimensions, expected 1 to " + MAX_DIMS);
        }

        byte[] dimBytes = in.readNBytes(4 * ndims);
        if (dimBytes.length < 4 * ndims) {
            throw new IdxFormatException(file + ": header truncated" + what + ": expected " + ndims
                    + " dimension sizes (" + 4 * ndims + " bytes) after the magic number, found " + dimBytes.length
                    + " bytes");
        }
        int[] dims = new int[ndims];
        BigInteger product = BigInteger.ONE; // exact, so a huge header cannot overflow it
        for (int d = 0; d < ndims; d++) {
            long v = ((dimBytes[4 * d] & 0xffL) << 24) | ((dimBytes[4 * d + 1] & 0xffL) << 16)
                    | ((dimBytes[4 * d + 2] & 0xffL) << 8) | (dimBytes[4 * d + 3] & 0xffL);
            if (v > Integer.MAX_VALUE) {
                throw new IdxFormatException(file + ": dimension " + d + " is " + v + ", larger than the supported"
                        + " maximum " + Integer.MAX_VALUE);
            }
            dims[d] = (int) v;
            product = product.multiply(BigInteger.valueOf(v));
        }
        if (product.compareTo(BigInteger.valueOf(MAX_DATA_BYTES)) > 0) {
            throw new IdxFormatException(file + ": dimensions " + Arrays.toString(dims) + " describe " + product
                    + " bytes of data, more than the " + MAX_DATA_BYTES + " this reader can hold");
        }
        int expected = product.intValueExact();
        long header = 4L + 4L * ndims;

        // Check the size before reading so a bad header cannot make us allocate a huge array.
        if (!gzip && fileSize != header + expected) {
            throw sizeMismatch(file, what, expected, fileSize - header);
        }
        if (gzip && expected > fileSize * MAX_DEFLATE_RATIO + 1024) {
            throw new IdxFormatException(file + ": truncated" + what + ": the header describes " + expected
                    + " bytes of data, more than " + fileSize + " compressed bytes can hold");
        }
        long itemBytes = dims[0] == 0 ? 0 : expected / dims[0];
        int kept = (int) (Math.min(dims[0], Math.max(0, maxItems)) * itemBytes);
        requireHeapRoom(file, kept, Runtime.getRuntime().maxMemory());
        byte[] data = new byte[kept];
        int got = in.readNBytes(data, 0, kept);
        long rest = drain(in);
        if (got + rest != expected) {
            throw sizeMismatch(file, what, expected, got + rest);
        }
        return new Array(dims, data, HexFormat.of().formatHex(sha.digest()));
    }

    /** Refuses to hold more than half of a {@code heap}-byte heap: the data set would leave no room to train. */
    static void requireHeapRoom(Path file, long bytes, long heap) {
        if (bytes > heap / 2) {
            throw new IdxFormatException(String.format(java.util.Locale.ROOT, "%s: %,d MB of data is more than half of "
                    + "this JVM's %,d MB heap: give Java more memory (java -Xmx... -jar)", file, bytes >> 20, heap >> 20));
        }
    }

    private static IdxFormatException sizeMismatch(Path file, String what, long expected, long found) {
        if (found < expected) {
            return new IdxFormatException(file + ": truncated" + what + ": expected " + expected
                    + " bytes of data after the header, found " + found);
        }
        return new IdxFormatException(file + ": " + (found - expected) + " trailing bytes" + what + " after the "
                + expected + " bytes of data the header describes");
    }

    private static long drain(InputStream in) throws IOException {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    /** The names of the IDX element types other than unsigned byte, for error messages. */
    static String typeName(int type) {
        switch (type) {
            case 0x09: return "signed byte";
            case 0x0B: return "int16";
            case 0x0C: return "int32";
            case 0x0D: return "float32";
            case 0x0E: return "float64";
            default: return "unknown type";
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (s.length() > 0) s.append(' ');
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
