// An in-memory labelled image data set: uint8 pixels (row-major) plus one class label 0..9 per sample.
package gpumlp.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

public final class Dataset {
    /** Largest number of classes the trainer supports; labels must lie in 0..MAX_CLASSES-1. */
    public static final int MAX_CLASSES = gpumlp.model.ModelMetadata.CLASSES;

    private final String name;
    private final byte[] images;   // [count * rows * cols], image i at [i*features, (i+1)*features)
    private final byte[] labels;   // [count], each 0..9
    private final int count;
    private final int rows;
    private final int cols;
    private final Map<String, String> checksums; // file name -> lowercase hex SHA-256 of decompressed IDX bytes
    private final String description; // what describe() returns

    /** A data set built in memory (no source files, so no checksums). Arrays are used as given, not copied. */
    public Dataset(String name, byte[] images, byte[] labels, int count, int rows, int cols) {
        this(name, images, labels, count, rows, cols, Map.of());
    }

    /** A data set read from files; {@code checksums} maps each file name to the SHA-256 of its decompressed bytes. */
    public Dataset(String name, byte[] images, byte[] labels, int count, int rows, int cols,
                   Map<String, String> checksums) {
        this(name, images, labels, count, rows, cols, checksums,
                String.format(java.util.Locale.ROOT, "%s (%,d samples)", name, count));
    }

    private Dataset(String name, byte[] images, byte[] labels, int count, int rows, int cols,
                    Map<String, String> checksums, String description) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(checksums, "checksums");
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("dataset " + name + ": count must be >= 0 and rows, cols > 0, got count="
                    + count + " rows=" + rows + " cols=" + cols);
        }
        long features = (long) rows * cols;
        if ((long) images.length != features * count) {
            throw new IllegalArgumentException("dataset " + name + ": images has " + images.length + " bytes, expected "
                    + count + " x " + rows + " x " + cols + " = " + features * count);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("dataset " + name + ": labels has " + labels.length
                    + " entries, expected " + count);
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= MAX_CLASSES) {
                throw new IllegalArgumentException("dataset " + name + ": label " + (labels[i] & 0xff) + " at index " + i
                        + " is out of range 0.." + (MAX_CLASSES - 1));
            }
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.checksums = Collections.unmodifiableMap(new LinkedHashMap<>(checksums));
        this.description = description;
    }

    public String name() { return name; }

    /** How messages name it: "mnist train (60,000 samples)", or "the first 5,000 samples of mnist train". */
    public String describe() { return description; }
    public int count() { return count; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public int features() { return rows * cols; }

    /** The pixel bytes [count * features], row-major; read as unsigned (b & 0xff). Shared, do not modify. */
    public byte[] images() { return images; }

    /** The labels [count], one byte 0..9 per sample. Shared, do not modify. */
    public byte[] labels() { return labels; }

    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i];
    }

    /** Pixel f (0..features-1) of sample i, as 0..255. */
    public int pixel(int i, int f) {
        Objects.checkIndex(i, count);
        Objects.checkIndex(f, features());
        return images[i * features() + f] & 0xff;
    }

    /** File name -> lowercase hex SHA-256 of the decompressed IDX bytes; empty for in-memory data. */
    public Map<String, String> checksums() { return checksums; }

    /** The first n samples (this data set itself when n >= count). Checksums still describe the source files. */
    public Dataset limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("dataset " + name + ": limit must be >= 0, got " + n);
        }
        if (n >= count) {
            return this;
        }
        byte[] img = java.util.Arrays.copyOf(images, n * features());
        byte[] lab = java.util.Arrays.copyOf(labels, n);
        return new Dataset(name + " (first " + n + ")", img, lab, n, rows, cols, checksums,
                String.format(java.util.Locale.ROOT, "the first %,d samples of %s", n, name));
    }

    /**
     * Samples from..to-1, named "NAME (images FROM+1 to TO)" (1-based, as a person counts). Checksums
     * still describe the source files.
     */
    public Dataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        byte[] img = java.util.Arrays.copyOfRange(images, from * features(), to * features());
        byte[] lab = java.util.Arrays.copyOfRange(labels, from, to);
        return new Dataset(String.format(java.util.Locale.ROOT, "%s (images %,d to %,d)", name, from + 1, to), img, lab,
                to - from, rows, cols, checksums);
    }

    @Override
    public String toString() {
        return name + ": " + count + " samples of " + rows + "x" + cols;
    }
}
