// On/off variables (GPU_MLP_DEBUG, GPU_MLP_CUDA_SYNC) take the same words; any other is refused in one line naming the variable.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OnOffVariableTest {
    @Test
    void theOnAndOffWordsInAnyCase() {
        for (String on : new String[] {"1", "true", "yes", "on", "TRUE", "Yes", " on "}) {
            assertTrue(OnOffVariable.parse("GPU_MLP_X", on), on);
        }
        for (String off : new String[] {"0", "false", "no", "off", "", " ", "OFF", "No"}) {
            assertFalse(OnOffVariable.parse("GPU_MLP_X", off), "'" + off + "'");
        }
        assertFalse(OnOffVariable.parse("GPU_MLP_X", null), "unset is off");
    }

    @Test
    void anyOtherWordIsRefusedOnOneLine() {
        for (String bad : new String[] {"maybe", "2", "enabled", "1\nx"}) {
            String m = assertThrows(IllegalArgumentException.class, () -> OnOffVariable.parse("GPU_MLP_X", bad)).getMessage();
            assertTrue(m.startsWith("GPU_MLP_X is '" + OneLine.of(bad) + "' in the environment: set it to 1, true, yes or on"), m);
            assertEquals(1, m.lines().count(), m);
            assertFalse(OnOffVariable.isOn("GPU_MLP_X", bad));
        }
    }

    @Test
    void isOnSaysWhatTheWordsSay() {
        assertTrue(OnOffVariable.isOn("GPU_MLP_X", " Yes "), "an on word turns it on");
        assertFalse(OnOffVariable.isOn("GPU_MLP_X", "off"), "an off word turns it off");
        assertFalse(OnOffVariable.isOn("GPU_MLP_X", null), "unset is off");
    }
}
