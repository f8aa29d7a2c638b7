// Mixin: --model FILE, the trained .npz model to read.
package gpumlp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

public final class ModelOption {
    @Option(names = {"--model", "-m"}, paramLabel = "FILE", defaultValue = "model.npz",
            description = "The trained model (.npz written by 'gpu-mlp train'). Default: ${DEFAULT-VALUE}.")
    Path path;
}
