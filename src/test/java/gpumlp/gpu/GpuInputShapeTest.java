// The GPU backend refuses to evaluate or predict data whose width is not the network's input (it would read out of bounds).
package gpumlp.gpu;

import gpumlp.backend.MismatchedInputs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuInputShapeTest {
    @Test
    void mismatchedFeaturesAreRefused() {
        Gpu.assumeUsable();
        try (GpuBackend gpu = GpuBackend.open(0, false, true)) {
            MismatchedInputs.assertRefused(gpu);
        }
    }
}
