// bench counts each row's epoch operations; the deep net's rows skip batch 1; the GPU figures stay off the CPU rows.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.data.DataDirectory;
import gpumlp.model.EpochFlops;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchFloorTest {
    @Test
    void aCpuRowCountsItsOperationsAndHasNoGpuFigures() throws Exception {
        CliTest.Run r = CliTest.run("bench", "--data", CliTest.SUBSET, "--device", "cpu", "--batch-sizes", "64",
                "--epochs", "1", "--hidden", "8", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode row = new ObjectMapper().readTree(r.out());
        int n = DataDirectory.train(Path.of(CliTest.SUBSET)).count();
        assertEquals(EpochFlops.of(new int[] {784, 8, 10}, n, 64).total(), row.get("epoch_flops").asDouble(), 1.0);
        assertFalse(row.has("floor_seconds") || row.has("gpu_memory_peak_used_bytes"), r.out());
        assertFalse(r.out().contains("floor"), r.out());
    }

    @Test
    void theDeepNetIsNotMeasuredAtBatchOne() throws Exception {
        CliTest.Run d = CliTest.run("bench", "--data", CliTest.SUBSET, "--device", "cpu", "--batch-sizes", "1",
                "--epochs", "1", "--hidden", "8", "--deep", "--json");
        assertEquals(0, d.code(), d.err());
        List<String> lines = d.out().strip().lines().toList();
        assertEquals(1, lines.size(), d.out());
        assertEquals("784-8-10", new ObjectMapper().readTree(lines.get(0)).get("network").asText());
    }

    @Test
    void theHelpNamesTheDeepNetAndTheFloor() {
        CliTest.Run r = CliTest.run("bench", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains(BenchCommand.DEEP_SHAPE), help);
        assertTrue(help.contains("floor"), help);
    }
}
