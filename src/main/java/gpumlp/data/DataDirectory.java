// Finds the MNIST-style train/test IDX files in a directory (raw or .gz, "-idx3-" or ".idx3-" spelling) and loads them.
package gpumlp.data;

import gpumlp.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class DataDirectory {
    private DataDirectory() {}

    /** The training set: train-images-idx3-ubyte + train-labels-idx1-ubyte. */
    public static Dataset train(Path dir) {
        return train(dir, 0);
    }

    /** The first {@code limit} training samples (0: all), without holding the rest in memory. */
    public static Dataset train(Path dir, int limit) {
        return load(dir, "train", "train", limit);
    }

    /** The test set: t10k-images-idx3-ubyte + t10k-labels-idx1-ubyte. */
    public static Dataset test(Path dir) {
        return load(dir, "t10k", "test", 0);
    }

    /**
     * Fails as loading would if {@code dir} lacks one of the four IDX files or one is no non-empty
     * regular file, without reading any: a run checks this before it makes its checkpoint directory.
     */
    public static void check(Path dir) {
        for (Path file : locate(dir, "train", "train")) {
            Idx.check(file);
        }
        for (Path file : locate(dir, "t10k", "test")) {
            Idx.check(file);
        }
    }

    /** The images and labels file of one set. */
    private static Path[] locate(Path dir, String prefix, String role) {
        if (!Files.isDirectory(dir)) {
            String problem = Files.exists(dir) ? " is not a directory" : " does not exist";
            throw new UserError("data directory " + dir + problem + ": run data/fetch-mnist.sh to download MNIST,"
                    + " or pass --data DIR with the four IDX files");
        }
        return new Path[] {find(dir, prefix + "-images", "idx3-ubyte", role + " images"),
                find(dir, prefix + "-labels", "idx1-ubyte", role + " labels")};
    }

    private static Dataset load(Path dir, String prefix, String role, int limit) {
        Path[] files = locate(dir, prefix, role);
        Path images = files[0];
        Path labels = files[1];
        Path base = realOrAbsolute(dir).getFileName(); // null only for a file-system root
        return IdxDataset.load(images, labels, (base == null ? dir.toString() : base.toString()) + " " + role, limit);
    }

    /** The directory as the kernel resolves it (lnk/.. is the directory above the link's target), for its name. */
    private static Path realOrAbsolute(Path dir) {
        try {
            return dir.toRealPath();
        } catch (java.io.IOException e) {
            return dir.toAbsolutePath();
        }
    }

    /**
     * The IDX files a run on {@code dir} reads (training and test images and labels), as found by the
     * same search as loading; a missing one is left out (loading reports it). For outputs that must
     * never replace them.
     */
    public static List<Path> files(Path dir) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        for (String[] stem : new String[][] {{"train-images", "idx3-ubyte"}, {"train-labels", "idx1-ubyte"},
                {"t10k-images", "idx3-ubyte"}, {"t10k-labels", "idx1-ubyte"}}) {
            first(dir, stem[0], stem[1]).ifPresent(found::add);
        }
        return found;
    }

    /** Candidate names for one file, standard spelling first. */
    static List<String> candidates(String stem, String suffix) {
        List<String> names = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            String base = stem + sep + suffix;
            names.add(base);
            names.add(base + ".gz");
        }
        return names;
    }

    /** The first candidate that exists (a FIFO or directory of that name too: Idx gives it its own error). */
    private static java.util.Optional<Path> first(Path dir, String stem, String suffix) {
        return candidates(stem, suffix).stream().map(dir::resolve).filter(Files::exists).findFirst();
    }

    private static Path find(Path dir, String stem, String suffix, String what) {
        List<String> names = candidates(stem, suffix);
        return first(dir, stem, suffix).orElseThrow(() -> new UserError("data directory " + dir + " has no " + what + " file: expected " + names.get(0)
                + " (tried " + String.join(", ", names) + "); run data/fetch-mnist.sh or add the file"));
    }
}
