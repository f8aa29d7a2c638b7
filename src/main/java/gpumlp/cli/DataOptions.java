// Mixin: --data DIR, the directory holding the four IDX files (raw or .gz).
package gpumlp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/mnist",
            description = "Directory with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
                    + "and t10k-labels-idx1-ubyte (each raw or .gz). Default: ${DEFAULT-VALUE}.")
    Path dir;
}
