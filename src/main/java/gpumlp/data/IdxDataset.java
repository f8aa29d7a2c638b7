// Builds a Dataset from an IDX image file and an IDX label file, checking that they belong together.
package gpumlp.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public final class IdxDataset {
    private IdxDataset() {}

    /**
     * Loads images (dims n x rows x cols, or n x features read as 1 x features) and labels (dims n, values 0..9).
     * Throws IdxFormatException (a UserError) naming the offending file on any problem.
     */
    public static Dataset load(Path images, Path labels, String name) {
        return load(images, labels, name, 0);
    }

    /**
     * As {@link #load(Path, Path, String)}, keeping only the first {@code limit} samples in memory (0:
     * all). Both files are still read whole and checksummed.
     */
    public static Dataset load(Path images, Path labels, String name, int limit) {
        long keep = limit > 0 ? limit : Long.MAX_VALUE;
        Idx.Array img = Idx.read(images, keep);
        Idx.Array lab = Idx.read(labels); // one byte a sample: all of them are checked

        int[] d = img.dims(); // [n, rows, cols] or [n, features]
        int n;
        int rows;
        int cols;
        if (d.length == 3) {
            n = d[0];
            rows = d[1];
            cols = d[2];
        } else if (d.length == 2) {
            n = d[0];
            rows = 1;
            cols = d[1];
        } else {
            throw new IdxFormatException(images + ": image file has " + d.length + " dimensions "
                    + java.util.Arrays.toString(d) + ", expected 3 (samples, rows, columns) or 2 (samples, features)");
        }
        if (rows == 0 || cols == 0) {
            throw new IdxFormatException(images + ": images are " + rows + "x" + cols
                    + " pixels; each image needs at least one pixel");
        }
        if (lab.ndims() != 1) {
            throw new IdxFormatException(labels + ": label file has " + lab.ndims() + " dimensions "
                    + java.util.Arrays.toString(lab.dims()) + ", expected 1 (one label per sample)");
        }
        int nLabels = lab.dims()[0];
        if (n != nLabels) {
            throw new IdxFormatException(images + ": images file has " + n + " samples but labels file " + labels
                    + " has " + nLabels);
        }
        if (n == 0) {
            throw new IdxFormatException(images + ": the data set has no samples; at least one is needed");
        }
        byte[] y = lab.data(); // [n]
        for (int i = 0; i < n; i++) {
            int v = y[i] & 0xff;
            if (v >= Dataset.MAX_CLASSES) {
                throw new IdxFormatException(labels + ": label " + v + " at index " + i + " is out of range: at most "
                        + Dataset.MAX_CLASSES + " classes (labels 0.." + (Dataset.MAX_CLASSES - 1) + ") are supported");
            }
        }
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put(images.getFileName().toString(), img.sha256());
        sums.put(labels.getFileName().toString(), lab.sha256());
        int kept = (int) Math.min(n, keep);
        return new Dataset(name, img.data(), kept == n ? y : java.util.Arrays.copyOf(y, kept), kept, rows, cols, sums);
    }
}
