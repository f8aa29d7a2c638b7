// The epoch's product count: hand-counted small cases, the deep net's figure, linear in the samples, the floor.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EpochFlopsTest {
    static final int[] DEEP = {784, 2500, 2000, 1500, 1000, 500, 10};

    @Test
    void oneLayerHasNoBackwardProduct() {
        // 3 inputs + bias -> 2 outputs, 5 samples: forward and update 2 * 5 * 4 * 2 = 80 each
        EpochFlops f = EpochFlops.of(new int[] {3, 2}, 5, 2);
        assertEquals(80, f.forward());
        assertEquals(0, f.backward());
        assertEquals(80, f.update());
        assertEquals(160, f.total());
        assertEquals(3, f.steps());
    }

    @Test
    void twoLayersCountTheHiddenDeltaOnce() {
        // 4-3-2, 1 sample: forward 2 (5 * 3 + 4 * 2) = 46, backward 2 * 2 * 3 = 12, update 46
        EpochFlops f = EpochFlops.of(new int[] {4, 3, 2}, 1, 1);
        assertEquals(46, f.forward());
        assertEquals(12, f.backward());
        assertEquals(104, f.total());
        assertEquals(1, f.steps());
    }

    @Test
    void theDeepNetIsAboutFourTeraflopsAnEpoch() {
        EpochFlops f = EpochFlops.of(DEEP, 60_000, 128);
        assertEquals(67_900_040.0 * 60_000, f.total(), 1.0); // 2 (11,972,510 + 10,005,000 + 11,972,510) a sample
        assertEquals(469, f.steps());
        assertEquals(4.07e12, f.total(), 0.01e12);
        assertEquals(4.07e12 / 50e12, f.floorSeconds(50e12), 1e-3);
    }

    @Test
    void theCountIsLinearInTheSamplesWhateverTheBatch() {
        EpochFlops a = EpochFlops.of(new int[] {784, 800, 10}, 50_000, 1);
        EpochFlops b = EpochFlops.of(new int[] {784, 800, 10}, 50_000, 8192);
        EpochFlops c = EpochFlops.of(new int[] {784, 800, 10}, 25_000, 128);
        assertEquals(a.total(), b.total());
        assertEquals(a.total(), 2 * c.total());
        assertEquals(50_000, a.steps());
        assertEquals(7, b.steps());
    }

    @Test
    void theSmallestCasesAreCountedNotRefused() {
        EpochFlops one = EpochFlops.of(new int[] {1, 1, 1}, 3, 1); // one unit a layer, bias included
        assertEquals(2.0 * 3 * (2 * 1) * 2, one.forward());
        assertEquals(2.0 * 3 * 1 * 1, one.backward());
        assertEquals(3, one.steps());
        EpochFlops none = EpochFlops.of(new int[] {784, 800, 10}, 0, 128); // an empty set is no work, no step
        assertEquals(0, none.total());
        assertEquals(0, none.steps());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EpochFlops.of(new int[] {784}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> EpochFlops.of(new int[] {784, 10}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> EpochFlops.of(new int[] {784, 10}, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> EpochFlops.of(new int[] {784, 0, 10}, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> EpochFlops.of(new int[] {3, 2}, 1, 1).floorSeconds(0));
    }
}
