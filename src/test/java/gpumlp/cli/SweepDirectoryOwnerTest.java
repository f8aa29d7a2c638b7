// Two sweep files given one --sweep-dir: the second is refused in one line, the first's runs stay its own and report does not mix them.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepDirectoryOwnerTest {
    @TempDir
    Path dir;

    private CliTest.Run sweep(Path file, Path out, int index) {
        return CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "--sweep", file.toString(), "--sweep-index",
                Integer.toString(index), "--sweep-dir", out.toString()));
    }

    @Test
    void anotherSweepFileCannotResumeOrOverwriteTheRunsOfTheFirst() throws IOException {
        Path first = Files.writeString(dir.resolve("first.yaml"), "parameters:\n  lr: [0.1, 0.2]\n");
        Path second = Files.writeString(dir.resolve("second.yaml"), "parameters:\n  lr: [0.1]\n  seed: [1, 2, 3]\n");
        Path out = dir.resolve("sweep");
        assertEquals(0, sweep(first, out, 0).code());
        byte[] model = Files.readAllBytes(out.resolve("run-0000/model.npz"));

        CliTest.Run other = sweep(second, out, 0); // the same settings as the first's run-0000: it would resume it
        assertEquals(1, other.code(), other.err());
        assertEquals("gpu-mlp: --sweep-dir " + out + " holds the runs of another sweep (sweep file " + first.toAbsolutePath()
                + ", 2 combinations) and sweep file " + second + " differs from it: use another --sweep-dir (an edited sweep "
                + "file is another sweep)", other.err().strip());
        assertArrayEquals(model, Files.readAllBytes(out.resolve("run-0000/model.npz")), "the first sweep's run is untouched");

        assertEquals(0, sweep(first, out, 1).code(), "the first sweep goes on");
        assertEquals(0, sweep(first, out, 0).code(), "and may be run again (a restarted task resumes)");
        CliTest.Run report = CliTest.run("report", out.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(!report.err().contains("no result yet"), report.err());
        assertEquals(2, report.out().lines().filter(l -> l.matches("\\d+ +run-000[01] .*")).count(), report.out());
    }
}
