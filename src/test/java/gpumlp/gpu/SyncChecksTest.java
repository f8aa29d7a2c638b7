// GPU_MLP_CUDA_SYNC turns the per-operation waits on with any value but empty, 0 or false.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncChecksTest {
    @Test
    void theVariableFollowsTheGpuMlpNaming() {
        assertEquals("GPU_MLP_CUDA_SYNC", SyncChecks.VARIABLE);
    }

    @Test
    void onlyAMeaningfulValueTurnsTheChecksOn() {
        assertEquals(false, SyncChecks.requested(Map.of()));
        for (String off : new String[] {"", " ", "0", "false", "FALSE"}) {
            assertEquals(false, SyncChecks.requested(Map.of(SyncChecks.VARIABLE, off)), "'" + off + "'");
        }
        for (String on : new String[] {"1", "true", "yes"}) {
            assertEquals(true, SyncChecks.requested(Map.of(SyncChecks.VARIABLE, on)), on);
        }
    }
}
