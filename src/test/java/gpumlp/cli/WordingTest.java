// What a new user reads: the plot title names the data set, and report names a single run directory by its name.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.train.Schedule;
import gpumlp.train.TrainSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordingTest {
    @TempDir
    Path dir;

    @Test
    void thePlotTitleNamesTheDataSet() {
        TrainSettings s = new TrainSettings(new int[] {512, 256}, 3, 64, 0.05, 0.9, new Schedule.Cosine(0.05), 1, 0);
        assertEquals("fashion train: hidden 512,256, batch 64, lr 0.05 (cosine), momentum 0.9",
                TrainCommand.plotTitle("fashion train", s));
    }

    @Test
    void reportOnOneRunDirectoryNamesIt() {
        Path run = dir.resolve("run-0003");
        assertEquals(0, CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--device", "cpu",
                "-o", run.resolve("model.npz").toString(), "--result", run.resolve("result.json").toString()).code());
        CliTest.Run r = CliTest.run("report", run.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().contains(",run-0003,"), r.out());
        assertFalse(r.out().contains(",.,"), r.out());
    }
}
