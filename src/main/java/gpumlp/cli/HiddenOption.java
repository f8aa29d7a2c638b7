// Mixin: --hidden SIZES of train and bench, each size checked by a converter as it is parsed.
package gpumlp.cli;

import picocli.CommandLine.Option;

public final class HiddenOption {
    @Option(names = "--hidden", paramLabel = "SIZES", split = ",", defaultValue = "800",
            converter = Converters.HiddenSize.class,
            description = "Hidden layer sizes, comma separated: 800 gives 784-800-10, 512,256 gives 784-512-256-10. "
                    + "Default: ${DEFAULT-VALUE}.")
    int[] sizes;
}
