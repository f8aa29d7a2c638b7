// Saves and loads a model as a NumPy .npz archive: W1.npy..WL.npy plus metadata.json, written atomically.
package gpumlp.model;

import gpumlp.UserError;
import gpumlp.util.AtomicFiles;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The model file is what {@code np.savez} writes: a ZIP of STORED entries {@code W1.npy .. WL.npy}
 * (W(l) is (d(l-1)+1) x d(l), bias in row 0) and {@code metadata.json} (UTF-8), which
 * {@code np.load(path)["metadata.json"]} returns as raw bytes. Loading also accepts DEFLATED entries
 * (as {@code np.savez_compressed} writes).
 */
public final class ModelFile {
    public static final String METADATA_ENTRY = "metadata.json";
    private static final Pattern WEIGHT_ENTRY = Pattern.compile("W(\\d+)\\.npy");

    private ModelFile() {
    }

    /** Writes the model atomically; refuses a network with NaN/Inf weights or sizes unlike the metadata. */
    public static void save(Path path, Network net, ModelMetadata meta) {
        if (!Arrays.equals(net.sizes(), meta.layerSizes())) {
            throw new IllegalArgumentException("metadata layer sizes " + Arrays.toString(meta.layerSizes())
                    + " differ from the network's " + net.shape());
        }
        for (int l = 1; l <= net.layers(); l++) {
            String bad = firstNonFinite(net.weights(l), net.size(l));
            if (bad != null) {
                throw new UserError("cannot save model file " + path + ": W" + l + " " + bad
                        + " (training diverged; try a smaller learning rate)");
            }
        }
        byte[] json = MetadataJson.toBytes(meta);
        AtomicFiles.write(path, "model file", out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (int l = 1; l <= net.layers(); l++) {
                    putStored(zip, "W" + l + ".npy", Npy.toBytes(net.size(l - 1) + 1, net.size(l), net.weights(l)));
                }
                putStored(zip, METADATA_ENTRY, json);
            }
        });
    }

    /** Reads and checks a model file; every problem is a UserError naming the file. */
    public static LoadedModel load(Path path) {
        String file = "model file " + path;
        if (!Files.exists(path)) {
            throw new UserError(file + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new UserError(file + " is a directory, not a .npz file");
        }
        if (!Files.isReadable(path)) {
            throw new UserError(file + " is not readable (permission denied)");
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            return read(zip, file);
        } catch (ZipException e) {
            throw new UserError(file + " is corrupt or truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private static LoadedModel read(ZipFile zip, String file) throws IOException {
        ZipEntry metaEntry = zip.getEntry(METADATA_ENTRY);
        if (metaEntry == null) {
            throw new UserError(file + " has no " + METADATA_ENTRY + " entry; it was not written by gpu-mlp");
        }
        ModelMetadata meta = MetadataJson.fromBytes(readEntry(zip, metaEntry, file), file + ", " + METADATA_ENTRY);
        int[] sizes = meta.layerSizes();
        int layers = sizes.length - 1;
        for (ZipEntry e : Collections.list(zip.entries())) {
            Matcher m = WEIGHT_ENTRY.matcher(e.getName());
            if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > layers)) {
                throw new UserError(file + " has an extra entry " + e.getName() + " but metadata layer_sizes "
                        + Arrays.toString(sizes) + " describe " + layers + " weight matrices");
            }
        }
        float[][] w = new float[layers][];
        for (int l = 1; l <= layers; l++) {
            w[l - 1] = readWeights(zip, l, sizes[l - 1] + 1, sizes[l], file);
        }
        return new LoadedModel(new Network(sizes, w), meta);
    }

    /** W(l): shape must be (rows, cols); values must be finite. data[i * cols + j]. */
    private static float[] readWeights(ZipFile zip, int l, int rows, int cols, String file) throws IOException {
        String name = "W" + l + ".npy";
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new UserError(file + " lacks the entry " + name + " (the metadata describes " + l
                    + " or more weight matrices)");
        }
        String source = file + ", entry " + name;
        CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32());
        try (in) {
            Npy.Header h = Npy.readHeader(in, source);
            if (h.rows() != rows || h.cols() != cols) {
                throw new UserError(source + ": shape (" + h.rows() + ", " + h.cols() + ") disagrees with metadata"
                        + " layer_sizes, which need (" + rows + ", " + cols + ")");
            }
            float[] data = Npy.readData(in, h, source);
            long extra = in.skip(Long.MAX_VALUE);
            if (extra > 0) {
                throw new UserError(source + ": " + extra + " unexpected bytes after the array data");
            }
            checkCrc(e, in.getChecksum().getValue());
            String bad = firstNonFinite(data, cols);
            if (bad != null) {
                throw new UserError(source + ": W" + l + " " + bad);
            }
            return data;
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, String file) throws IOException {
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            byte[] b = in.readAllBytes();
            checkCrc(e, in.getChecksum().getValue());
            return b;
        }
    }

    private static void checkCrc(ZipEntry e, long actual) throws ZipException {
        if (e.getCrc() != -1 && e.getCrc() != actual) {
            throw new ZipException("entry " + e.getName() + " fails its CRC check");
        }
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** "contains NaN at row i, column j" for the first non-finite value of a row-major matrix, else null. */
    private static String firstNonFinite(float[] data, int cols) {
        for (int k = 0; k < data.length; k++) {
            if (!Float.isFinite(data[k])) {
                return "contains " + data[k] + " at row " + (k / cols) + ", column " + (k % cols)
                        + (k / cols == 0 ? " (bias row)" : "");
            }
        }
        return null;
    }
}
