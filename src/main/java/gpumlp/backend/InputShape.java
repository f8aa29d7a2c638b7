// Checks at the seam that data handed to a backend has the network's input width, before any device reads it.
package gpumlp.backend;

import gpumlp.data.Dataset;

public final class InputShape {
    private InputShape() {}

    /** Refuses a data set whose samples do not have {@code inputs} features (a device would read out of bounds). */
    public static void requireFeatures(int inputs, Dataset data) {
        if (data.features() != inputs) {
            throw new IllegalArgumentException("the network takes " + inputs + " inputs per sample but "
                    + data.name() + " has " + data.features() + " features");
        }
    }

    /** Refuses {@code images} too short for {@code count} samples of {@code inputs} bytes (count x inputs, row-major). */
    public static void requireImages(int inputs, byte[] images, int count) {
        if (count < 0 || (long) count * inputs > images.length) {
            throw new IllegalArgumentException("the network takes " + inputs + " inputs per sample, so " + count
                    + " images need " + (long) count * inputs + " bytes, but " + images.length + " were given");
        }
    }
}
