// Checkpoint names are the position the README explains: finished epochs, then samples into the next epoch.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.model.Network;
import gpumlp.train.TrainState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointNamesTest {
    @Test
    void theReadmesExamplesAreTheNamesWritten() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        CheckpointStore store = new CheckpointStore(Path.of("ckpt"), 1);
        Network net = Network.zeros(new int[] {2, 2});
        String endOfEpochOne = store.fileFor(new TrainState(1, 0, 0, 0, 0, net, null, List.of(), 0, null)).getFileName().toString();
        String duringEpochOne = store.fileFor(new TrainState(0, 12_800, 0, 0, 0, net, null, List.of(), 0, null)).getFileName().toString();
        assertEquals("checkpoint-e0001-s00000000.npz", endOfEpochOne);
        assertEquals("checkpoint-e0000-s00012800.npz", duringEpochOne);
        assertTrue(readme.contains("end of epoch 1 is\n  `" + endOfEpochOne + "`"), "README explains " + endOfEpochOne);
        assertTrue(readme.contains("after 12,800 samples,\n  is `" + duringEpochOne + "`"), "README explains " + duringEpochOne);
    }
}
