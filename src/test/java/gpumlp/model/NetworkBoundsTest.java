// Layer sizes from a file are checked before any matrix is allocated: positive, one matrix within a Java array, all copies within half the heap.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class NetworkBoundsTest {
    private static final long MAX = Npy.MAX_VALUES;

    @Test
    void everyLayerNeedsAtLeastOneUnit() {
        NetworkBounds.check(new int[] {784, 1, 10}, 1, "m.npz"); // one hidden unit is a network
        UserError e = assertThrows(UserError.class, () -> NetworkBounds.check(new int[] {784, 0, 10}, 1, "m.npz"));
        assertEquals("m.npz: layer_sizes [784, 0, 10] must be between 1 and " + MAX, e.getMessage());
        assertThrows(UserError.class, () -> NetworkBounds.check(new int[] {-784, 10}, 1, "m.npz"));
        assertThrows(UserError.class, () -> NetworkBounds.check(new int[] {784, Integer.MAX_VALUE, 10}, 1, "m.npz"));
    }

    @Test
    void oneMatrixMustFitAJavaArray() {
        int wide = (int) (MAX / 100); // (784 + 1) x wide values: far more than one array holds
        UserError e = assertThrows(UserError.class, () -> NetworkBounds.check(new int[] {784, wide, 10}, 1, "m.npz"));
        assertEquals("m.npz: layer_sizes [784, " + wide + ", 10] describe a weight matrix of " + 785L * wide
                + " values, more than the " + MAX + " one matrix may hold", e.getMessage());
    }

    /** The limits are inclusive: a layer of MAX units is a size (its matrix is what cannot be), a matrix of MAX fits. */
    @Test
    void theLargestSizeAndTheLargestMatrixAreAllowedByTheirRules() {
        UserError e = assertThrows(UserError.class, () -> NetworkBounds.check(new int[] {1, (int) MAX}, 1, "m.npz"));
        assertTrue(e.getMessage().contains("describe a weight matrix of " + 2 * MAX + " values"), e.getMessage());
        try {
            NetworkBounds.check(new int[] {(int) MAX - 1, 1}, 1, "m.npz"); // exactly MAX values: only the heap can object
        } catch (UserError heap) {
            assertTrue(heap.getMessage().contains("more than half of this JVM's"), heap.getMessage());
        }
    }

    /**
     * Sizes whose weights take about 0.3 of the heap: one copy fits, two (weights and momentum, as a
     * checkpoint holds them) take more than half and are refused, with the sizes in MB.
     */
    @Test
    void allCopiesMustFitInHalfTheHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        long target = heap * 3 / 10 / Float.BYTES;
        int m = (int) Math.min(16000, Math.sqrt(target / 2.0));
        int k = (int) Math.ceil((double) target / ((m + 1L) * m));
        int[] sizes = new int[k + 1];
        Arrays.fill(sizes, m);
        long bytes = k * (m + 1L) * m * Float.BYTES;
        assertTrue(bytes <= heap / 2 && 2 * bytes > heap / 2, "the sizes fit once, not twice: " + bytes + " of " + heap);
        NetworkBounds.check(sizes, 1, "ck.npz");
        UserError e = assertThrows(UserError.class, () -> NetworkBounds.check(sizes, 2, "ck.npz"));
        String shape = String.join("-", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
        assertEquals(String.format(Locale.ROOT, "ck.npz describes a %s network of %,d MB, more than half of this JVM's"
                + " %,d MB heap: if the file is genuine, give Java more memory (java -Xmx... -jar)", shape, (2 * bytes) >> 20,
                heap >> 20), e.getMessage());
    }
}
