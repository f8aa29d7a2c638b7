// Loads the committed real-MNIST subset (data/mnist-subset) and spot-checks sizes, labels, pixels and checksums.
package gpumlp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MnistSubsetTest {
    private static final Path SUBSET = Path.of("data", "mnist-subset"); // Maven runs tests in the project root

    @Test
    void trainingSubset() {
        Dataset d = DataDirectory.train(SUBSET);
        assertEquals(3000, d.count());
        assertEquals(28, d.rows());
        assertEquals(28, d.cols());
        assertEquals(5, d.label(0)); // the famous first MNIST digit
        assertEquals(4, d.label(2));
        assertEquals(5, d.label(2999));
        assertEquals(240, d.pixel(0, 14 * 28 + 14));
        int sum = 0;
        for (int f = 0; f < d.features(); f++) {
            sum += d.pixel(0, f);
        }
        assertEquals(27525, sum);
        assertEquals(Map.of(
                "train-images-idx3-ubyte.gz", "fc10080e92e48998cf561522ec74cfcd9fdc1d3eb6d815e4b8d6392c71460463",
                "train-labels-idx1-ubyte.gz", "fb68983ef4dddd9fd08a65eeffd7110e567eb77e5ef20f1b57f69a7269e7d425"),
                d.checksums());
    }

    @Test
    void testSubset() {
        Dataset d = DataDirectory.test(SUBSET);
        assertEquals(1000, d.count());
        assertEquals(784, d.features());
        assertEquals(7, d.label(0));
        assertEquals(9, d.label(999));
        assertEquals(Map.of(
                "t10k-images-idx3-ubyte.gz", "de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52",
                "t10k-labels-idx1-ubyte.gz", "832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90"),
                d.checksums());
    }
}
