// Saves and loads a model as a NumPy .npz archive: W1.npy..WL.npy plus metadata.json, written atomically.
package gpumlp.model;

import gpumlp.UserError;
import gpumlp.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
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
    /** metadata.json is a few hundred bytes; anything near this is not ours. */
    static final int MAX_METADATA_BYTES = 1 << 20;

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
        try (NpzArchive npz = NpzArchive.open(path, "model file")) {
            return read(npz, npz.source());
        }
    }

    private static LoadedModel read(NpzArchive npz, String file) {
        byte[] json = npz.bytes(METADATA_ENTRY, MAX_METADATA_BYTES);
        if (json == null && npz.has("checkpoint.json")) { // the entry CheckpointFile writes
            throw new UserError(file + " is a training checkpoint, not a model: train --resume with its --checkpoint-dir "
                    + "finishes the run and writes the model");
        }
        if (json == null) {
            throw new UserError(file + " has no " + METADATA_ENTRY + " entry; it was not written by gpu-mlp");
        }
        ModelMetadata meta = MetadataJson.fromBytes(json, file + ", " + METADATA_ENTRY);
        int[] sizes = meta.layerSizes();
        int layers = sizes.length - 1;
        for (String name : npz.names()) {
            Matcher m = WEIGHT_ENTRY.matcher(name);
            if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > layers)) {
                throw new UserError(file + " has an extra entry " + name + " but metadata layer_sizes "
                        + Arrays.toString(sizes) + " describe " + layers + " weight matrices");
            }
        }
        NetworkBounds.check(sizes, 1, file);
        float[][] w = new float[layers][];
        for (int l = 1; l <= layers; l++) {
            if (!npz.has("W" + l + ".npy")) {
                throw new UserError(file + " lacks the entry W" + l + ".npy (the metadata describes " + l
                        + " or more weight matrices)");
            }
            w[l - 1] = npz.matrix("W" + l + ".npy", sizes[l - 1] + 1, sizes[l], "metadata layer_sizes");
        }
        return new LoadedModel(new Network(sizes, w), meta);
    }

    /** A STORED entry: its size (the compressed size is the same) and CRC go in the local header. */
    private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e); // also closes the previous entry; close() closes the last
        zip.write(bytes);
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
