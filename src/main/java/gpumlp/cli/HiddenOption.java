// Mixin: --hidden SIZES of train and bench, the whole comma-separated list checked by a converter as it is parsed.
package gpumlp.cli;

import picocli.CommandLine.Option;

public final class HiddenOption {
    /** The hidden layer sizes, input side first; at least one. */
    int[] sizes;

    /**
     * A single-value option (one list, not one size per value), so picocli refuses a second --hidden
     * like any other repeated option instead of appending its sizes.
     */
    @Option(names = "--hidden", paramLabel = "SIZES", defaultValue = "800", converter = Converters.HiddenSizes.class,
            description = "Hidden layer sizes, comma separated: 800 gives 784-800-10, 512,256 gives 784-512-256-10. "
                    + "Default: ${DEFAULT-VALUE}.")
    void sizes(HiddenSizes hidden) {
        sizes = hidden.sizes();
    }

    /** The converted value of --hidden. */
    record HiddenSizes(int[] sizes) {}
}
