// Whether a data set's files are those a model recorded when it was trained: a one-line note when they differ.
package gpumlp.cli;

import gpumlp.data.Dataset;
import gpumlp.model.ModelMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class DataMatch {
    private DataMatch() {}

    /**
     * A note when a file of {@code data} has another SHA-256 than the file of the same name recorded
     * in the model (a Fashion-MNIST model on MNIST scores near chance, and nothing else would say why);
     * empty when they agree or the model recorded no such file.
     */
    static Optional<String> note(Path model, ModelMetadata meta, Dataset data, Path dataDir) {
        Map<String, String> recorded = new java.util.HashMap<>();
        meta.dataChecksums().forEach((file, sha) -> recorded.put(canonical(file), sha));
        List<String> differing = data.checksums().entrySet().stream()
                .filter(e -> recorded.containsKey(canonical(e.getKey())))
                .filter(e -> !recorded.get(canonical(e.getKey())).equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
        if (differing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("note: " + String.join(" and ", differing) + " in " + dataDir + " differ from the files model "
                + model + " was trained and tested with (their SHA-256 checksums are in the model): the figures are "
                + "for other data");
    }

    /** One name for a file however it is stored: t10k-images.idx3-ubyte.gz -> t10k-images-idx3-ubyte (checksums are of the decompressed bytes). */
    private static String canonical(String file) {
        return file.replaceFirst("\\.gz$", "").replace(".idx", "-idx");
    }
}
