// Options that only mean something on the GPU are refused with --device cpu and named when auto falls back to the CPU.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class GpuOnlyOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"train,--tf32", "train,--eager", "eval,--tf32", "bench,--eager", "bench,--tf32", "bench,--profile"})
    void aGpuOnlyOptionWithDeviceCpuIsAUsageError(String command, String option) {
        CliTest.Run r = CliTest.run(command, "--data", CliTest.SUBSET, "--device", "cpu", option);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("gpu-mlp: " + option + " applies to the GPU only, but --device is cpu"), r.err());
    }

    @Test
    void autoFallingBackToTheCpuSaysTf32HasNoEffect() {
        CliTest.Run r = CliTest.run("train", "--data", CliTest.SUBSET, "--hidden", "8", "--epochs", "1", "--limit", "100",
                "--tf32", "-o", dir.resolve("m.npz").toString());
        assertEquals(0, r.code(), r.err());
        if (r.err().contains("no usable GPU")) { // the CI machines; where a GPU is usable, --tf32 applies
            assertTrue(r.err().contains("--tf32 and --eager have no effect on the CPU"), r.err());
        }
    }

    @Test
    void benchAndTrainStartFromTheSameSeed() {
        CommandLine cli = Cli.newCommandLine(java.util.Map.of());
        String train = cli.getSubcommands().get("train").getCommandSpec().findOption("--seed").defaultValue();
        String bench = cli.getSubcommands().get("bench").getCommandSpec().findOption("--seed").defaultValue();
        assertEquals(train, bench);
    }
}
