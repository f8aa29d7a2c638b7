// Mixin: --seed N of train, bench and deform-preview, the seed of a run's random choices.
package gpumlp.cli;

import picocli.CommandLine.Option;

public final class SeedOption {
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seeds the initial weights, the shuffling, dropout and deformations; the same seed gives the "
                    + "same run. Default: ${DEFAULT-VALUE}.")
    long seed;
}
