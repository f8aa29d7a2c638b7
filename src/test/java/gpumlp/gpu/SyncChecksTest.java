// GPU_MLP_CUDA_SYNC turns the per-operation waits on with the on words of OnOffVariable, and refuses a word it does not take.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncChecksTest {
    @Test
    void theVariableFollowsTheGpuMlpNaming() {
        assertEquals("GPU_MLP_CUDA_SYNC", SyncChecks.VARIABLE);
    }

    @Test
    void onlyAnOnWordTurnsTheChecksOn() {
        assertEquals(false, SyncChecks.requested(Map.of()));
        for (String off : new String[] {"", " ", "0", "false", "FALSE", "no", "off"}) {
            assertEquals(false, SyncChecks.requested(Map.of(SyncChecks.VARIABLE, off)), "'" + off + "'");
        }
        for (String on : new String[] {"1", "true", "yes", "on", "ON"}) {
            assertEquals(true, SyncChecks.requested(Map.of(SyncChecks.VARIABLE, on)), on);
        }
    }

    @Test
    void anotherWordIsRefusedWhenTheGpuIsOpened() {
        String m = assertThrows(UserError.class, () -> SyncChecks.requested(Map.of(SyncChecks.VARIABLE, "maybe"))).getMessage();
        assertEquals("GPU_MLP_CUDA_SYNC is 'maybe' in the environment: set it to 1, true, yes or on to turn it on, "
                + "or 0, false, no, off or empty to turn it off", m);
    }
}
