// A sweep directory belongs to the first sweep file that claims it, however many tasks start at once; another sweep is refused.
package gpumlp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepOwnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private Path sweepFile(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theFirstSweepRecordsItselfAndMayComeBack() throws IOException {
        Path a = sweepFile("a.yaml", "parameters:\n  lr: [0.1, 0.2]\n");
        Path out = dir.resolve("runs/sweep");
        SweepOwner.claim(out, a, 2);
        SweepOwner.claim(out, a, 2); // a restarted task, or the next index
        JsonNode record = JSON.readTree(out.resolve(SweepOwner.FILE).toFile());
        assertEquals(2, record.path("combinations").asLong());
        assertEquals(a.toAbsolutePath().toString(), record.path("sweep_file").asText());
        assertEquals(64, record.path("sha256").asText().length());
        Path copy = Files.copy(a, dir.resolve("same-content.yaml"));
        SweepOwner.claim(out, copy, 2); // the content is the sweep, not the file's name
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(out.resolve(SweepOwner.FILE)), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void anotherSweepOrTheSameFileEditedIsRefused() throws IOException {
        Path a = sweepFile("a.yaml", "parameters:\n  lr: [0.1, 0.2]\n");
        Path out = dir.resolve("sweep");
        SweepOwner.claim(out, a, 2);
        Path b = sweepFile("b.yaml", "parameters:\n  lr: [0.1, 0.2]\n  momentum: [0, 0.9]\n");
        UserError e = assertThrows(UserError.class, () -> SweepOwner.claim(out, b, 4));
        assertEquals("--sweep-dir " + out + " holds the runs of another sweep (sweep file " + a.toAbsolutePath() + ", 2 "
                + "combinations) and sweep file " + b + " differs from it: use another --sweep-dir (an edited sweep file "
                + "is another sweep)", e.getMessage());
        Files.writeString(a, "parameters:\n  lr: [0.1, 0.3]\n");
        assertTrue(assertThrows(UserError.class, () -> SweepOwner.claim(out, a, 2)).getMessage()
                .contains("holds the runs of another sweep"));
    }

    @Test
    void aDamagedRecordSaysWhatToDo() throws IOException {
        Path a = sweepFile("a.yaml", "parameters:\n  lr: [0.1]\n");
        Path out = Files.createDirectories(dir.resolve("sweep"));
        Files.writeString(out.resolve(SweepOwner.FILE), "{\"format\": \"gpu-mlp-sweep-dir/1\"");
        UserError e = assertThrows(UserError.class, () -> SweepOwner.claim(out, a, 1));
        assertEquals("sweep record " + out.resolve(SweepOwner.FILE) + " is not valid JSON: delete it if " + out
                + " holds only runs of sweep file " + a + ", or use another --sweep-dir", e.getMessage());
        Files.writeString(out.resolve(SweepOwner.FILE), "[]");
        assertTrue(assertThrows(UserError.class, () -> SweepOwner.claim(out, a, 1)).getMessage()
                .contains("is not a gpu-mlp-sweep-dir/1 record: delete it if"));
    }

    @Test
    void aRecordWithDataAfterItsObjectOrADanglingLinkIsRefusedInOneLine() throws IOException {
        Path a = sweepFile("a.yaml", "parameters:\n  lr: [0.1]\n");
        Path out = dir.resolve("sweep");
        SweepOwner.claim(out, a, 1);
        Path record = out.resolve(SweepOwner.FILE);
        Files.writeString(record, Files.readString(record) + "\n{\"format\": \"gpu-mlp-sweep-dir/1\", \"sha256\": \"0\"}\n");
        UserError trailing = assertThrows(UserError.class, () -> SweepOwner.claim(out, a, 1));
        assertTrue(trailing.getMessage().startsWith("sweep record " + record + " is damaged: there is more after the end of "
                + "its JSON object (line "), trailing.getMessage());
        assertTrue(trailing.getMessage().endsWith(": delete it if " + out + " holds only runs of sweep file " + a
                + ", or use another --sweep-dir"), trailing.getMessage());
        Files.delete(record);
        Files.createSymbolicLink(record, dir.resolve("gone.json"));
        assertEquals("sweep record " + record + " is a dangling link (to " + dir.resolve("gone.json") + "): delete it if "
                + out + " holds only runs of sweep file " + a + ", or use another --sweep-dir",
                assertThrows(UserError.class, () -> SweepOwner.claim(out, a, 1)).getMessage());
        assertFalse(Files.exists(dir.resolve("gone.json")), "the link is not followed to make a record");
    }

    @Test
    void tasksStartingTogetherAgreeOnOneSweep() throws Exception {
        Path a = sweepFile("a.yaml", "parameters:\n  lr: [0.1, 0.2]\n");
        Path b = sweepFile("b.yaml", "parameters:\n  lr: [0.3, 0.4]\n");
        for (int round = 0; round < 20; round++) {
            Path out = dir.resolve("race-" + round);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Path>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Path file = t % 2 == 0 ? a : b;
                tasks.add(pool.submit(() -> {
                    go.await();
                    try {
                        SweepOwner.claim(out, file, 2);
                        return file;
                    } catch (UserError refused) {
                        return null;
                    }
                }));
            }
            go.countDown();
            List<Path> admitted = new ArrayList<>();
            for (Future<Path> f : tasks) {
                if (f.get() != null) {
                    admitted.add(f.get());
                }
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(4, admitted.size(), "one sweep's four tasks, and only those: " + admitted);
            assertEquals(1, admitted.stream().distinct().count(), admitted.toString());
            JsonNode record = JSON.readTree(out.resolve(SweepOwner.FILE).toFile());
            assertEquals(admitted.get(0).toAbsolutePath().toString(), record.path("sweep_file").asText());
            try (Stream<Path> files = Files.list(out)) {
                assertEquals(1, files.count(), "no temporary file is left");
            }
        }
    }
}
