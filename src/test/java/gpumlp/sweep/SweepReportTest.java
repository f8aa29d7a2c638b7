// report ranks runs by validation accuracy: a higher test accuracy never moves a run up, and a run without validation is unranked.
package gpumlp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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
    /** Sweep run i of `size`, with its parameters and its validation accuracy. */
    private void sweepRun(int i, long size, String lr, String hidden, double validationAccuracy) throws IOException {
        result(String.format("run-%04d", i), "\"validation_accuracy\": " + validationAccuracy + ", \"validation_loss\": 0.25, "
                + "\"test_accuracy\": 0.9, \"test_loss\": 0.3, \"sweep\": {\"index\": " + i + ", \"size\": " + size
                + ", \"parameters\": {\"lr\": \"" + lr + "\", \"hidden\": \"" + hidden + "\"}}");
    }

    @Test
    void aSweepsRunsShowTheirParametersAndTheIndicesWithoutAResult() throws IOException {
        sweepRun(0, 5, "0.05", "800", 0.91);
        sweepRun(1, 5, "0.1", "512,256", 0.93);
        sweepRun(3, 5, "0.2", "say \\\"hi\\\"", 0.92);
        SweepReport r = SweepReport.collect(dir);
        assertEquals(Set.of(2L, 4L), r.missing(), "run 2 has no result yet and run 4 never started");
        assertEquals(List.of("run-0001", "run-0003", "run-0000"), r.rows().stream().map(SweepReport.Row::run).toList());
        assertEquals(List.of(1L, 3L, 0L), r.rows().stream().map(SweepReport.Row::index).toList());
        List<String> table = r.table().lines().toList();
        assertEquals("rank  run       lr    hidden    val acc  val loss  test acc  test loss  epoch  epochs  train s  device",
                table.get(0));
        assertEquals("1     run-0001  0.1   512,256   93.00%   0.2500    90.00%    0.3000     3      5       1.5      cpu",
                table.get(1));
        assertEquals("2     run-0003  0.2   say \"hi\"  92.00%   0.2500    90.00%    0.3000     3      5       1.5      cpu",
                table.get(2));
        List<String> csv = r.csv().lines().toList();
        assertEquals("rank,run,lr,hidden,validation_accuracy,validation_loss,test_accuracy,test_loss,model_epoch,epochs,"
                + "train_seconds,device", csv.get(0));
        assertEquals("1,run-0001,0.1,\"512,256\",0.93,0.25,0.9,0.3,3,5,1.5,cpu", csv.get(1));
        assertEquals("2,run-0003,0.2,\"say \"\"hi\"\"\",0.92,0.25,0.9,0.3,3,5,1.5,cpu", csv.get(2));
        JsonNode json = new ObjectMapper().readTree(r.json());
        assertEquals(3, json.size());
        JsonNode best = json.get(0);
        assertEquals(1, best.path("rank").asInt());
        assertEquals("run-0001", best.path("run").asText());
        assertEquals(1, best.path("index").asInt());
        assertEquals("512,256", best.path("parameters").path("hidden").asText());
        assertEquals(0.93, best.path("validation_accuracy").asDouble(), 0.0);
        assertEquals(0.25, best.path("validation_loss").asDouble(), 0.0);
        assertEquals(0.9, best.path("test_accuracy").asDouble(), 0.0);
        assertEquals(0.3, best.path("test_loss").asDouble(), 0.0);
        assertEquals(3, best.path("model_epoch").asInt());
        assertEquals(5, best.path("epochs").asInt());
        assertEquals(1.5, best.path("train_seconds").asDouble(), 0.0);
        assertEquals("cpu", best.path("device").asText());
        assertEquals(3, json.get(2).path("rank").asInt());
        assertTrue(r.json().endsWith("]\n"), r.json());
        assertEquals(List.of(), r.unreadable());
    }

    @Test
    void anIndexThatIsNoWholeNumberIsNotCountedAndTheLargestSizeIsTheSweep() throws IOException {
        sweepRun(0, 2, "0.1", "8", 0.9);
        result("odd", "\"test_accuracy\": 0.9, \"test_loss\": 0.3, \"sweep\": {\"index\": 1.5, \"size\": 3, "
                + "\"parameters\": {}}");
        result("text", "\"test_accuracy\": 0.9, \"test_loss\": 0.3, \"sweep\": {\"index\": \"1\", \"size\": \"9\"}");
        SweepReport r = SweepReport.collect(dir);
        assertEquals(Set.of(1L, 2L), r.missing());
        for (JsonNode row : new ObjectMapper().readTree(r.json())) {
            assertEquals(row.path("run").asText().startsWith("run-"), row.has("index"), row.toString());
        }
    }

    @Test
    void unreadableResultsAreListedAndTheRestReported() throws IOException {
        result("good", "\"validation_accuracy\": 0.9, \"validation_loss\": 0.2, \"test_accuracy\": 0.9, \"test_loss\": 0.3");
        Files.createDirectories(dir.resolve("broken"));
        Files.writeString(dir.resolve("broken/result.json"), "{\"test_accuracy\": ");
        Files.createDirectories(dir.resolve("list"));
        Files.writeString(dir.resolve("list/result.json"), "[1, 2]");
        Files.createDirectories(dir.resolve("words"));
        Files.writeString(dir.resolve("words/result.json"), "{\"test_accuracy\": \"high\"}");
        Files.createDirectories(dir.resolve("pipe"));
        Path fifo = gpumlp.util.SpecialFiles.fifo(dir.resolve("pipe/result.json"));
        SweepReport r = SweepReport.collect(dir);
        assertEquals(List.of("good"), r.rows().stream().map(SweepReport.Row::run).toList());
        List<String> u = r.unreadable();
        assertEquals(4, u.size(), u.toString());
        assertTrue(u.get(0).startsWith(dir.resolve("broken/result.json") + ": ") && u.get(0).lines().count() == 1, u.get(0));
        assertEquals(dir.resolve("list/result.json") + ": not a gpu-mlp result (no test_accuracy)", u.get(1));
        assertTrue(u.get(2).startsWith(fifo.toString()) && !u.get(2).startsWith("result file"), u.get(2));
        assertEquals(dir.resolve("words/result.json") + ": not a gpu-mlp result (no test_accuracy)", u.get(3));
    }

    @Test
    void aRunDirectoryGivenItselfIsListedByItsNameAndAFileIsNoDirectory() throws IOException {
        result("run-0007", "\"test_accuracy\": 0.9, \"test_loss\": 0.3");
        SweepReport r = SweepReport.collect(dir.resolve("run-0007"));
        assertEquals("run-0007", r.rows().get(0).run());
        Path file = dir.resolve("run-0007/result.json");
        UserError e = assertThrows(UserError.class, () -> SweepReport.collect(file));
        assertEquals("report: " + file + " is not a directory", e.getMessage());
    }

    @Test
    void aResultWithoutAModelEpochIsTheLastEpochsModel() throws IOException {
        Files.createDirectories(dir.resolve("old"));
        Files.writeString(dir.resolve("old/result.json"), "{\"test_accuracy\": 0.9, \"test_loss\": 0.3, \"epochs\": 6}");
        SweepReport.Row row = SweepReport.collect(dir).rows().get(0);
        assertEquals(6, row.modelEpoch());
        assertEquals("", row.device());
        assertTrue(Double.isNaN(row.validationLoss()));
    }
    @Test
    void anEmptyDirectoryGivesAnEmptyReport() {
        SweepReport r = SweepReport.collect(dir);
        assertTrue(r.best().isEmpty());
        assertEquals(1, r.table().lines().count(), "the header only");
        assertEquals("[ ]\n", r.json());
        assertEquals(Set.of(), r.missing());
    }

    @Test
    void aValueOnSeveralLinesIsQuotedInTheCsv() throws IOException {
        sweepRun(0, 1, "0.1", "a\\nb", 0.9);
        List<String> csv = SweepReport.collect(dir).csv().lines().toList();
        assertEquals("1,run-0000,0.1,\"a", csv.get(1));
        assertTrue(csv.get(2).startsWith("b\",0.9,"), csv.get(2));
    }
    @Test
    void aDirectoryThatCannotBeReadIsListedAndTheRestReported() throws IOException {
        result("good", "\"test_accuracy\": 0.9, \"test_loss\": 0.3");
        Path locked = Files.createDirectories(dir.resolve("locked/run"));
        Files.setPosixFilePermissions(locked.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(locked.getParent()),
                    "this user reads any directory (root): nothing to test");
            SweepReport r = SweepReport.collect(dir);
            assertEquals(List.of("good"), r.rows().stream().map(SweepReport.Row::run).toList());
            assertEquals(1, r.unreadable().size(), r.unreadable().toString());
            assertTrue(r.unreadable().get(0).startsWith(dir.resolve("locked") + ": "), r.unreadable().get(0));
        } finally {
            Files.setPosixFilePermissions(locked.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void linkedDirectoriesAreFollowedAndALoopIsListedWithoutHanging() throws IOException {
        result("sweep/run-0000", "\"validation_accuracy\": 0.9, \"validation_loss\": 0.2, \"test_accuracy\": 0.9, \"test_loss\": 0.3");
        result("elsewhere/run-0007", "\"validation_accuracy\": 0.8, \"validation_loss\": 0.2, \"test_accuracy\": 0.8, "
                + "\"test_loss\": 0.3");
        Files.createSymbolicLink(dir.resolve("sweep/run-0001"), dir.resolve("elsewhere/run-0007")); // a run that is a link
        Files.createSymbolicLink(dir.resolve("sweep/back"), dir.resolve("sweep")); // a loop
        Path latest = Files.createSymbolicLink(dir.resolve("latest"), dir.resolve("sweep")); // the directory given is a link
        SweepReport r = assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> SweepReport.collect(latest));
        assertEquals(List.of("run-0000", "run-0001"), r.rows().stream().map(SweepReport.Row::run).toList());
        assertEquals(List.of(latest.resolve("back") + ": a link to a directory above it (a loop), not followed"),
                r.unreadable());
    }

    @Test
    void aRunReachedThroughTwoLinksIsListedOnceByTheFirstName() throws IOException {
        result("elsewhere/run-0007", "\"validation_accuracy\": 0.8, \"validation_loss\": 0.2, \"test_accuracy\": 0.8, "
                + "\"test_loss\": 0.3");
        Files.createDirectories(dir.resolve("sweep"));
        Files.createSymbolicLink(dir.resolve("sweep/best"), dir.resolve("elsewhere/run-0007"));
        Files.createSymbolicLink(dir.resolve("sweep/latest"), dir.resolve("elsewhere/run-0007"));
        SweepReport r = SweepReport.collect(dir.resolve("sweep"));
        assertEquals(List.of("best"), r.rows().stream().map(SweepReport.Row::run).toList());
    }

    @Test
    void eachBrokenLinkToAResultIsListed() throws IOException {
        for (String run : new String[] {"run-0000", "run-0001"}) {
            Files.createDirectories(dir.resolve("sweep/" + run));
            Files.createSymbolicLink(dir.resolve("sweep/" + run + "/result.json"), dir.resolve("gone/" + run + ".json"));
        }
        SweepReport r = SweepReport.collect(dir.resolve("sweep"));
        assertEquals(List.of(dir.resolve("sweep/run-0000/result.json") + " does not exist",
                dir.resolve("sweep/run-0001/result.json") + " does not exist"), r.unreadable());
    }
}
