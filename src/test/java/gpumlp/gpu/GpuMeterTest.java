// The GPU meter: memory figures that add up, an SGEMM rate that is positive and below any card's, in FP32 and TF32.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuMeterTest {
    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable();
    }

    @Test
    void memoryAndSgemmRateAreSane() {
        try (GpuMeter m = GpuMeter.open(0)) {
            GpuMeter.Memory before = m.memory();
            assertTrue(before.total() > 0 && before.free() > 0 && before.free() <= before.total(), before.toString());
            for (boolean tf32 : new boolean[] {false, true}) {
                double rate = m.sgemmFlopsPerSecond(tf32, 0.2);
                assertTrue(rate > 1e11 && rate < 1e16, "SGEMM rate " + rate + (tf32 ? " (TF32)" : " (FP32)"));
            }
            GpuMeter.Memory after = m.memory(); // the measurement's buffers are freed again
            assertTrue(after.free() > before.free() - (64L << 20), before + " then " + after);
        }
    }
}
