// --progress auto draws the bar exactly when standard error, where it is drawn, is a terminal (real processes on a pseudo-terminal).
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressBarTerminalTest {
    private static final String BAR = "epoch 1/1 [";

    @TempDir
    Path dir;

    /** Runs train under script(1), which gives it a pseudo-terminal, with {@code redirect} applied; returns the terminal's text. */
    private String onATerminal(String redirect) throws IOException, InterruptedException {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(script), "script(1) from util-linux gives a process a pseudo-terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = String.join(" ", "'" + java + "'", "-cp", "'" + System.getProperty("java.class.path") + "'",
                "gpumlp.Main", "train", "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--limit", "600",
                "--batch-size", "1", "--device", "cpu", "-o", "'" + dir.resolve("m.npz") + "'", redirect);
        Process p = new ProcessBuilder(script.toString(), "-qec", cmd, "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(dir.resolve("script-err.txt").toFile()).start();
        String terminal = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), terminal);
        return terminal;
    }

    @Test
    void theBarIsDrawnWhenStandardErrorIsATerminalThoughStandardOutputIsAFile() throws Exception {
        Path out = dir.resolve("out.txt");
        String terminal = onATerminal(">'" + out + "'");
        assertTrue(terminal.contains(BAR), terminal);
        assertTrue(Files.readString(out).contains("epoch   1"), "the epoch line went to the file");
    }

    @Test
    void theBarIsNotDrawnWhenStandardErrorIsAFileThoughStandardOutputIsATerminal() throws Exception {
        Path err = dir.resolve("err.txt");
        String terminal = onATerminal("2>'" + err + "'");
        assertTrue(terminal.contains("epoch   1"), terminal);
        for (String text : List.of(terminal, Files.readString(err))) {
            assertFalse(text.contains(BAR), text);
        }
    }
}
