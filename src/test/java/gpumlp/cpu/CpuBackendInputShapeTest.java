// The CPU backend refuses to evaluate or predict data whose width is not the network's input.
package gpumlp.cpu;

import gpumlp.backend.MismatchedInputs;
import org.junit.jupiter.api.Test;

class CpuBackendInputShapeTest {
    @Test
    void mismatchedFeaturesAreRefused() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            MismatchedInputs.assertRefused(cpu);
        }
    }
}
