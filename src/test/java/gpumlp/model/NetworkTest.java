// The network's shape and weights: checked on construction, shown as 784-800-10, counted, copied deeply.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NetworkTest {
    @Test
    void shapeSizesAndParameterCount() {
        Network n = Network.zeros(new int[] {784, 800, 10});
        assertEquals("784-800-10", n.shape());
        assertEquals(2, n.layers());
        assertEquals(784, n.inputSize());
        assertEquals(800, n.size(1));
        assertEquals(10, n.outputSize());
        assertEquals(785L * 800 + 801L * 10, n.parameterCount());
        assertEquals(785 * 800, n.weights(1).length);
        assertEquals(801 * 10, n.weights(2).length);
        assertEquals("4-10", Network.zeros(new int[] {4, 10}).shape());
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        Network n = Network.zeros(new int[] {3, 2, 10});
        n.weights(1)[4] = 1.5f;
        Network c = n.copy();
        n.weights(1)[4] = -7f;
        assertEquals(1.5f, c.weights(1)[4]);
        assertNotSame(n.weights(2), c.weights(2));
        int[] sizes = c.sizes();
        sizes[0] = 99;
        assertArrayEquals(new int[] {3, 2, 10}, c.sizes());
    }

    @Test
    void inconsistentShapesAreRefused() {
        assertEquals("a network needs at least an input and an output layer",
                assertThrows(IllegalArgumentException.class, () -> new Network(new int[] {10}, new float[0][])).getMessage());
        assertEquals("layer sizes must be positive: [4, 0, 10]", assertThrows(IllegalArgumentException.class,
                () -> Network.zeros(new int[] {4, 0, 10})).getMessage());
        assertEquals("expected 2 weight matrices, got 1", assertThrows(IllegalArgumentException.class,
                () -> new Network(new int[] {4, 3, 10}, new float[][] {new float[15]})).getMessage());
        assertEquals("W(2) must hold 4 x 10 = 40 values, got 39", assertThrows(IllegalArgumentException.class,
                () -> new Network(new int[] {4, 3, 10}, new float[][] {new float[15], new float[39]})).getMessage());
        new Network(new int[] {1, 1}, new float[][] {new float[2]}); // the smallest network
    }
}
