// Debug lines (NVRTC's warnings) show only when debugging, as "gpu-mlp: debug:" text or level "debug" JSON.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LogDebugTest {
    private static String debugLine(Log.LogFormat format, boolean debug) {
        StringWriter err = new StringWriter();
        new Log(new PrintWriter(new StringWriter()), new PrintWriter(err), format, debug).debug("NVRTC: relu.cu: warning");
        return err.toString();
    }

    @Test
    void debugLinesOnlyWhenDebugging() {
        assertEquals("", debugLine(Log.LogFormat.text, false));
        assertEquals("", debugLine(Log.LogFormat.json, false));
        assertEquals("gpu-mlp: debug: NVRTC: relu.cu: warning" + System.lineSeparator(), debugLine(Log.LogFormat.text, true));
        String json = debugLine(Log.LogFormat.json, true);
        assertTrue(json.contains("\"level\":\"debug\"") && json.contains("\"msg\":\"NVRTC: relu.cu: warning\""), json);
    }

    @Test
    void theDebugVariableIsTheOneTheReadmeNames() {
        assertEquals("GPU_MLP_DEBUG", Log.DEBUG_VARIABLE);
    }
}
