// report ranks runs by validation accuracy: a higher test accuracy never moves a run up, and a run without validation is unranked.
package gpumlp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {
    @TempDir
    Path dir;

    private void result(String run, String figures) throws IOException {
        Files.createDirectories(dir.resolve(run));
        Files.writeString(dir.resolve(run).resolve("result.json"), "{" + figures + ", \"epochs\": 5, \"model_epoch\": 3, "
                + "\"train_seconds\": 1.5, \"device\": \"cpu\"}");
    }

    @Test
    void runsAreRankedByValidationAccuracyNeverByTest() throws IOException {
        result("a", "\"validation_accuracy\": 0.95, \"validation_loss\": 0.20, \"test_accuracy\": 0.99, \"test_loss\": 0.05");
        result("b", "\"validation_accuracy\": 0.97, \"validation_loss\": 0.15, \"test_accuracy\": 0.90, \"test_loss\": 0.30");
        result("c", "\"validation_accuracy\": 0.97, \"validation_loss\": 0.10, \"test_accuracy\": 0.91, \"test_loss\": 0.30");
        result("d", "\"test_accuracy\": 0.999, \"test_loss\": 0.01"); // --validation 0: nothing to rank it by
        SweepReport r = SweepReport.collect(dir);
        assertEquals(List.of("c", "b", "a", "d"), r.rows().stream().map(SweepReport.Row::run).toList(),
                "validation accuracy, then validation loss; the test figures play no part");
        assertEquals("c", r.best().orElseThrow().run());
        List<String> table = r.table().lines().toList();
        assertTrue(table.get(0).matches("rank +run +val acc +val loss +test acc +test loss +epoch +epochs.*"), table.get(0));
        assertTrue(table.get(1).matches("1 +c +97.00% +0.1000 +91.00% +0.3000 +3 +5 .*"), table.get(1));
        assertTrue(table.get(4).matches("- +d +- +- +99.90% .*"), "unranked: " + table.get(4));
        assertTrue(r.csv().lines().toList().get(4).startsWith("-,d,,,0.999,"), r.csv());
        assertTrue(r.json().contains("\"rank\" : null"), r.json());
    }

    @Test
    void withoutAnyValidatedRunThereIsNoBest() throws IOException {
        result("only", "\"test_accuracy\": 0.99, \"test_loss\": 0.05");
        assertTrue(SweepReport.collect(dir).best().isEmpty());
    }
}
