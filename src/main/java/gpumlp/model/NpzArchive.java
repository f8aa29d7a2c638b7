// Reads entries of a .npz (ZIP) file defensively: sizes checked against headers before allocating, CRCs verified.
package gpumlp.model;

import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Model files and checkpoints are both ZIPs of .npy matrices and one JSON entry. Entries are read by
 * name from the central directory, so an unknown entry (however large) is never read; a matrix is
 * allocated only after its .npy header agrees with the shape the caller expects and with the size
 * the directory records, and a JSON entry only up to a bound. Every problem is a {@link UserError}
 * that starts with the {@code source} given ("model file m.npz").
 */
public final class NpzArchive implements AutoCloseable {
    private final ZipFile zip;
    private final String source;

    private NpzArchive(ZipFile zip, String source) {
        this.zip = zip;
        this.source = source;
    }

    /** Opens {@code path}, a regular file; {@code what} names it in errors ("model file", "checkpoint"). */
    public static NpzArchive open(Path path, String what) {
        InputFiles.regularFile(path, what);
        String source = what + " " + path;
        try {
            return new NpzArchive(new ZipFile(path.toFile()), source);
        } catch (ZipException | java.io.EOFException e) {
            throw new UserError(source + " is corrupt or truncated: " + IoErrors.describe(e), e);
        } catch (IOException e) {
            throw new UserError("cannot read " + source + ": " + IoErrors.describe(e), e);
        }
    }

    /** "model file m.npz", the start of every error message. */
    public String source() {
        return source;
    }

    public boolean has(String name) {
        return zip.getEntry(name) != null;
    }

    /** Entry names, in the archive's order. */
    public List<String> names() {
        return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
    }

    /** A whole entry of at most {@code maxBytes} bytes, CRC checked; null when there is no such entry. */
    public byte[] bytes(String name, int maxBytes) {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            return null;
        }
        if (e.getSize() > maxBytes) {
            throw new UserError(source + ": entry " + name + " is " + e.getSize() + " bytes, more than the " + maxBytes
                    + " it may have");
        }
        return read(e, in -> {
            byte[] b = in.readNBytes(maxBytes);
            if (in.read() >= 0) {
                throw new UserError(source + ": entry " + name + " is larger than the " + maxBytes + " bytes it may have");
            }
            return b;
        });
    }

    /**
     * The (rows, cols) float32 matrix in entry {@code name}, row-major, all values finite; {@code
     * what} names the shape's origin in the error ("metadata layer_sizes").
     */
    public float[] matrix(String name, int rows, int cols, String what) {
        ZipEntry e = zip.getEntry(name);
        String where = source + ", entry " + name;
        if (e == null) {
            throw new UserError(source + " lacks the entry " + name);
        }
        long needed = Npy.header(rows, cols).length + (long) rows * cols * Float.BYTES;
        if (e.getSize() >= 0 && e.getSize() > needed + (1 << 16)) { // a header may be padded more than ours
            throw new UserError(where + " is " + e.getSize() + " bytes, but a (" + rows + ", " + cols + ") matrix needs "
                    + needed);
        }
        float[] data = read(e, in -> {
            Npy.Header h = Npy.readHeader(in, where);
            if (h.rows() != rows || h.cols() != cols) {
                throw new UserError(where + ": shape (" + h.rows() + ", " + h.cols() + ") disagrees with " + what
                        + ", which need (" + rows + ", " + cols + ")");
            }
            float[] d = Npy.readData(in, h, where);
            long extra = in.skip(Long.MAX_VALUE);
            if (extra > 0) {
                throw new UserError(where + ": " + extra + " unexpected bytes after the array data");
            }
            return d;
        });
        for (int k = 0; k < data.length; k++) {
            if (!Float.isFinite(data[k])) {
                throw new UserError(where + ": " + name.replace(".npy", "") + " contains " + data[k] + " at row " + (k / cols)
                        + ", column " + (k % cols) + (k / cols == 0 ? " (bias row)" : ""));
            }
        }
        return data;
    }

    /** Reads one entry through {@code body}, then checks the CRC the archive records for it. */
    private <T> T read(ZipEntry e, EntryReader<T> body) {
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            T value = body.read(in);
            in.skip(Long.MAX_VALUE);
            if (e.getCrc() != -1 && e.getCrc() != in.getChecksum().getValue()) {
                throw new UserError(source + " is corrupt or truncated: entry " + e.getName() + " fails its CRC check");
            }
            return value;
        } catch (ZipException | java.io.EOFException e2) {
            throw new UserError(source + " is corrupt or truncated: " + IoErrors.describe(e2), e2);
        } catch (IOException e2) {
            throw new UserError("cannot read " + source + ": " + IoErrors.describe(e2), e2);
        }
    }

    @FunctionalInterface
    private interface EntryReader<T> {
        T read(InputStream in) throws IOException;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }
}
