// The progress bar: what one redraw shows, how often it redraws (on a made-up clock), and that clearing wipes only a drawn bar.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final StringWriter text = new StringWriter();
    private final long[] now = {5_000_000_000L};

    private ProgressBar bar(String prefix, long total) {
        return new ProgressBar(new PrintWriter(text), prefix, total, () -> now[0]);
    }

    @Test
    void aRedrawShowsTheShareDoneTheSpeedAndTheRunningFigures() {
        ProgressBar b = bar("epoch 1/3", 40_000);
        now[0] += 2_000_000_000L; // 2 s later
        b.update(10_000, 5_000, 7_500);
        assertEquals("\repoch 1/3 [######..................]  25%  10,000/40,000  5,000 samples/s  loss 0.5000  acc 75.00%  ",
                text.toString());
    }

    @Test
    void theLastStepFillsTheBar() {
        ProgressBar b = bar("e", 8);
        now[0] += 1_000_000_000L;
        b.update(8, 2, 8);
        assertEquals("\re [########################] 100%  8/8  8 samples/s  loss 0.2500  acc 100.00%  ", text.toString());
    }

    @Test
    void anEmptyEpochDrawsWithoutDividingByZero() {
        ProgressBar b = bar("e", 0);
        b.update(0, 0, 0);
        assertEquals("\re [........................]   0%  0/0  0 samples/s  loss 0.0000  acc 0.00%  ", text.toString());
    }

    @Test
    void theFirstStepDrawsThenAtMostFiveTimesASecond() {
        ProgressBar b = bar("e", 100);
        assertTrue(b.due(), "the first step draws the bar");
        b.update(1, 1, 1);
        assertFalse(b.due());
        now[0] += 199_999_999L;
        assertFalse(b.due(), "not before 200 ms");
        now[0] += 1;
        assertTrue(b.due(), "at 200 ms");
    }

    @Test
    void clearingWipesADrawnBarAndNothingElse() {
        ProgressBar b = bar("epoch 2/9", 100);
        b.clear();
        assertEquals("", text.toString(), "nothing drawn, nothing to wipe");
        b.update(50, 10, 25);
        text.getBuffer().setLength(0);
        b.clear();
        assertEquals("\r" + " ".repeat("epoch 2/9".length() + 24 + 100) + "\r", text.toString());
    }
    @Test
    void eachDrawReachesTheTerminalAtOnce() {
        java.io.ByteArrayOutputStream terminal = new java.io.ByteArrayOutputStream();
        ProgressBar b = new ProgressBar(new PrintWriter(new java.io.OutputStreamWriter(terminal,
                java.nio.charset.StandardCharsets.UTF_8)), "e", 10, () -> now[0]);
        b.update(5, 1, 5);
        assertTrue(terminal.toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("\re [############"),
                "drawn, not held in a buffer");
        terminal.reset();
        b.clear();
        assertTrue(terminal.toString(java.nio.charset.StandardCharsets.UTF_8).endsWith("  \r"), "wiped at once");
    }
}
