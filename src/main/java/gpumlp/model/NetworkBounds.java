// Checks layer sizes read from a file before any weight matrix is allocated: positive, no overflow, fits the heap.
package gpumlp.model;

import gpumlp.UserError;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

public final class NetworkBounds {
    private NetworkBounds() {
    }

    /**
     * Refuses sizes that are not positive, whose matrices ((d(l-1)+1) x d(l)) would not fit a Java
     * array, or whose {@code copies} sets of weights (2 with momentum) would take more than half of
     * this JVM's heap: a damaged or hostile file then gets an error, not an out-of-memory crash.
     */
    public static void check(int[] sizes, int copies, String source) {
        String shape = Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
        long values = 0;
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] < 1 || sizes[l] > Npy.MAX_VALUES) {
                throw new UserError(source + ": layer_sizes " + Arrays.toString(sizes) + " must be between 1 and "
                        + Npy.MAX_VALUES);
            }
            if (l > 0) {
                long matrix = (sizes[l - 1] + 1L) * sizes[l];
                if (matrix > Npy.MAX_VALUES) {
                    throw new UserError(source + ": layer_sizes " + Arrays.toString(sizes) + " describe a weight matrix of "
                            + matrix + " values, more than the " + Npy.MAX_VALUES + " one matrix may hold");
                }
                values += matrix;
            }
        }
        long bytes = values * Float.BYTES * copies;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2) {
            throw new UserError(String.format(Locale.ROOT, "%s describes a %s network of %,d MB, more than half of this "
                    + "JVM's %,d MB heap: if the file is genuine, give Java more memory (java -Xmx... -jar)", source, shape,
                    bytes >> 20, heap >> 20));
        }
    }
}
