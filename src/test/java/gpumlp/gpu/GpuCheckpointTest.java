// On the GPU too, a run stopped between steps and resumed from its state ends with the same bits as a straight run.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.backend.Regularisation;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.train.Schedule;
import gpumlp.train.Selection;
import gpumlp.train.TrainSettings;
import gpumlp.train.TrainState;
import gpumlp.train.Trainer;
import gpumlp.train.ValidationSplit;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class GpuCheckpointTest {
    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable();
    }

    @Test
    void aStoppedAndResumedRunEqualsAStraightOne() {
        Dataset train = DataDirectory.train(Path.of("data/mnist-subset"));
        Dataset test = DataDirectory.test(Path.of("data/mnist-subset"));
        for (int batch : new int[] {1, 64}) {
            int epochs = batch == 1 ? 2 : 3;
            // at batch 64 with dropout, weight decay and max-norm too: their state is the seed and the epoch
            TrainSettings s = new TrainSettings(new int[] {64}, epochs, batch, 0.05, batch == 1 ? 0 : 0.9,
                    new Schedule.Cosine(0.05), 3, 0, ValidationSplit.NONE, Selection.LAST,
                    batch == 1 ? Regularisation.NONE : new Regularisation(0.5, 0.2, 1e-3, 2));
            Network start = HeInit.initialise(s.layerSizes(784, 10), 3);
            Network straight;
            try (GpuBackend gpu = GpuBackend.open(0, false, true)) {
                straight = new Trainer(gpu).run(start, train, test, s, r -> { }).network();
            }
            AtomicReference<TrainState> saved = new AtomicReference<>();
            AtomicInteger asked = new AtomicInteger();
            // the GPU asks after each replay of up to 32 steps (118 per epoch at batch 1, 15 at 64) and
            // the trainer once per epoch: both land in the middle of epoch 2
            int stopAt = batch == 1 ? 150 : 20;
            try (GpuBackend gpu = GpuBackend.open(0, false, true)) {
                Trainer.Result r = new Trainer(gpu).run(TrainState.start(start), train, test, s, e -> { },
                        new Trainer.Checkpointing(1, saved::set, () -> asked.incrementAndGet() > stopAt));
                assertTrue(r.wasStopped() && r.stopped().samplesIntoEpoch() > 0, "stopped mid-epoch: " + saved.get());
            }
            Network resumed;
            try (GpuBackend gpu = GpuBackend.open(0, false, true)) {
                resumed = new Trainer(gpu).run(saved.get(), train, test, s, e -> { }, Trainer.Checkpointing.NONE).network();
            }
            for (int l = 1; l <= straight.layers(); l++) {
                assertArrayEquals(straight.weights(l), resumed.weights(l), "batch " + batch + ", W" + l);
            }
        }
    }
}
