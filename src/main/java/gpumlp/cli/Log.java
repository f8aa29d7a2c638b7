// Where train's messages go: plain lines, or one JSON object per line for cluster log collectors.
package gpumlp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.util.OnOffVariable;
import gpumlp.util.OneLine;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Text: results on standard output, notes and warnings on standard error, as a person reads them.
 * JSON (--log-format json): the same messages on the same streams, each one object on one line with
 * "time", "level" (debug, info, warning, error), "msg" (the text line) and, for events such as an
 * epoch, "event" and its fields. Debug lines only appear with GPU_MLP_DEBUG on.
 */
final class Log {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean debug;

    /** The variable that turns on debug lines and the stack traces of internal errors. */
    static final String DEBUG_VARIABLE = "GPU_MLP_DEBUG";

    Log(PrintWriter out, PrintWriter err, LogFormat format) {
        this(out, err, format, debugWanted());
    }

    Log(PrintWriter out, PrintWriter err, LogFormat format, boolean debug) {
        this.out = out;
        this.err = err;
        this.json = format == LogFormat.json;
        this.debug = debug;
    }

    /** True when GPU_MLP_DEBUG is on (1, true, yes or on; a word it does not take is refused by {@link #checkDebugVariable}). */
    static boolean debugWanted() {
        return OnOffVariable.isOn(DEBUG_VARIABLE, System.getenv(DEBUG_VARIABLE));
    }

    /** A usage error for a GPU_MLP_DEBUG in {@code env} that is neither on nor off. */
    static void checkDebugVariable(CommandLine cmd, Map<String, String> env) {
        try {
            OnOffVariable.parse(DEBUG_VARIABLE, env.get(DEBUG_VARIABLE));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    boolean json() {
        return json;
    }

    /** A result line on standard output, on one line whatever paths it names; {@code event} and {@code fields} only show in JSON. */
    void result(String text, String event, Map<String, Object> fields) {
        emit(out, "info", OneLine.of(text), text, event, fields);
    }

    /** A note on standard error (which device, what a resume found). */
    void note(String text) {
        emit(err, "info", OneLine.of(text), text, null, Map.of());
    }

    /** A line for debugging on standard error, "gpu-mlp: debug: ..." in text; nothing unless debugging. */
    void debug(String text) {
        if (debug) {
            emit(err, "debug", "gpu-mlp: debug: " + text, text, null, Map.of());
        }
    }

    /** A warning on standard error, "gpu-mlp: warning: ..." in text. */
    void warn(String text) {
        emit(err, "warning", "gpu-mlp: warning: " + OneLine.of(text), text, null, Map.of());
    }

    private void emit(PrintWriter w, String level, String textLine, String msg, String event, Map<String, Object> fields) {
        w.println(json ? line(level, msg, event, fields) : textLine);
        w.flush();
    }

    /** One JSON log line. */
    static String line(String level, String msg, String event, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.now().toString());
        m.put("level", level);
        if (event != null) {
            m.put("event", event);
        }
        m.put("msg", msg);
        m.putAll(fields);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("log fields must be plain values", e);
        }
    }

    /** The values of --log-format. */
    enum LogFormat { text, json }
}
