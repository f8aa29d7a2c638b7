// The CPU backend's state across calls: what it says it is, momentum only when used, a resume that continues bit for bit, a stop mid-epoch.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import gpumlp.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuBackendStateTest {
    private static final int[] SIZES = {30, 12, 10};
    private static final Dataset DATA = TestData.random(40, 30, 10, 0.3, 21);

    @Test
    void itSaysHowManyThreadsItUses() {
        try (CpuBackend one = new CpuBackend(1); CpuBackend four = new CpuBackend(4)) {
            assertEquals("cpu (1 thread)", one.description());
            assertEquals("cpu (4 threads)", four.description());
        }
    }

    @Test
    void nothingWorksBeforeTheWeightsAreThere() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(DATA);
            String first = "uploadWeights must be called first";
            assertEquals(first, assertThrows(IllegalStateException.class, cpu::readWeights).getMessage());
            assertEquals(first, assertThrows(IllegalStateException.class, cpu::readMomentum).getMessage());
            assertEquals(first, assertThrows(IllegalStateException.class, () -> cpu.uploadMomentum(new float[2][])).getMessage());
            assertEquals(first, assertThrows(IllegalStateException.class, () -> cpu.evaluate(DATA)).getMessage());
            assertEquals(first, assertThrows(IllegalStateException.class,
                    () -> cpu.probabilities(DATA.images(), 1)).getMessage());
            assertEquals(first, assertThrows(IllegalStateException.class,
                    () -> cpu.trainEpoch(new int[] {0}, new StepSettings(1, 0.1f, 0f), EpochProgress.NONE)).getMessage());
        }
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadWeights(HeInit.initialise(SIZES, 1));
            assertEquals("uploadTrainingSet must be called before trainEpoch", assertThrows(IllegalStateException.class,
                    () -> cpu.trainEpoch(new int[] {0}, new StepSettings(1, 0.1f, 0f), EpochProgress.NONE)).getMessage());
            cpu.uploadTrainingSet(TestData.random(4, 31, 10, 0.3, 1));
            assertEquals("the network takes 30 inputs but the data has 31 features", assertThrows(IllegalStateException.class,
                    () -> cpu.trainEpoch(new int[] {0}, new StepSettings(1, 0.1f, 0f), EpochProgress.NONE)).getMessage());
        }
    }

    /** A checkpoint of plain SGD holds no momentum; one with momentum holds it, and new weights start without. */
    @Test
    void momentumExistsOnlyOnceARunUsesIt() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(DATA);
            cpu.uploadWeights(HeInit.initialise(SIZES, 1));
            assertNull(cpu.readMomentum());
            cpu.trainEpoch(new Rng(1).permutation(40), new StepSettings(8, 0.1f, 0f), EpochProgress.NONE);
            assertNull(cpu.readMomentum(), "plain SGD has no velocity");
            cpu.trainEpoch(new Rng(2).permutation(40), new StepSettings(8, 0.1f, 0.9f), EpochProgress.NONE);
            float[][] v = cpu.readMomentum();
            assertNotNull(v);
            assertEquals(2, v.length);
            assertEquals((30 + 1) * 12, v[0].length);
            assertEquals((12 + 1) * 10, v[1].length);
            cpu.uploadWeights(HeInit.initialise(SIZES, 1));
            assertNull(cpu.readMomentum(), "new weights, no old velocity");
        }
    }

    /** Stopping after epoch 1 and resuming from its weights and momentum on a new backend gives the same epoch 2. */
    @Test
    void aResumeWithMomentumContinuesBitForBit() {
        StepSettings s = new StepSettings(8, 0.05f, 0.9f);
        int[] first = new Rng(1).permutation(40);
        int[] second = new Rng(2).permutation(40);
        Network straight;
        Network resumed;
        float[][] velocity;
        Network afterOne;
        try (CpuBackend cpu = new CpuBackend(2)) {
            cpu.uploadTrainingSet(DATA);
            cpu.uploadWeights(HeInit.initialise(SIZES, 3));
            cpu.trainEpoch(first, s, EpochProgress.NONE);
            afterOne = cpu.readWeights();
            velocity = cpu.readMomentum();
            cpu.trainEpoch(second, s, EpochProgress.NONE);
            straight = cpu.readWeights();
        }
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(DATA);
            cpu.uploadWeights(afterOne);
            cpu.uploadMomentum(velocity);
            assertArrayEquals(velocity[1], cpu.readMomentum()[1]);
            cpu.trainEpoch(second, s, EpochProgress.NONE);
            resumed = cpu.readWeights();
        }
        for (int l = 1; l <= 2; l++) {
            assertArrayEquals(straight.weights(l), resumed.weights(l), "W" + l);
        }
    }

    /** A stop request ends the epoch after the current step; the stats say how far it got. */
    @Test
    void aStopRequestEndsTheEpochAfterTheCurrentStep() {
        List<long[]> updates = new ArrayList<>();
        EpochProgress stopAfter24 = new EpochProgress() {
            private long done;

            @Override
            public boolean due() {
                return true;
            }

            @Override
            public boolean due(long samplesDone) {
                done = samplesDone;
                return samplesDone % 16 == 0;
            }

            @Override
            public void update(long samplesDone, double lossSum, long correct) {
                updates.add(new long[] {samplesDone, correct});
            }

            @Override
            public boolean stopRequested() {
                return done >= 24;
            }
        };
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.uploadTrainingSet(DATA);
            cpu.uploadWeights(HeInit.initialise(SIZES, 3));
            EpochStats stopped = cpu.trainEpoch(new Rng(1).permutation(40), new StepSettings(8, 0.05f, 0f), stopAfter24);
            assertEquals(24, stopped.samples());
            assertEquals(1, updates.size(), "progress was due after 16 samples only");
            assertEquals(16, updates.get(0)[0]);
            cpu.uploadWeights(HeInit.initialise(SIZES, 3));
            EpochStats whole = cpu.trainEpoch(new Rng(1).permutation(40), new StepSettings(8, 0.05f, 0f), EpochProgress.NONE);
            assertEquals(40, whole.samples());
            assertEquals(stopped.lossSum() < whole.lossSum(), true, "the whole epoch sums more losses");
        }
    }

    /** A sweep makes many backends in one JVM: closing one ends its worker threads. */
    @Test
    void closeEndsTheWorkerThreads() throws InterruptedException {
        java.util.Set<Thread> before = workers();
        CpuBackend cpu = new CpuBackend(3);
        cpu.uploadTrainingSet(DATA);
        cpu.uploadWeights(HeInit.initialise(SIZES, 3));
        cpu.trainEpoch(new Rng(1).permutation(40), new StepSettings(40, 0.05f, 0f), EpochProgress.NONE);
        java.util.Set<Thread> mine = workers();
        mine.removeAll(before);
        assertEquals(false, mine.isEmpty(), "a 40-row batch is split across the threads");
        cpu.close();
        for (Thread t : mine) {
            t.join(10_000);
            assertEquals(false, t.isAlive(), t.getName() + " still runs after close()");
        }
    }

    private static java.util.Set<Thread> workers() {
        java.util.Set<Thread> s = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("gpu-mlp-cpu-")) {
                s.add(t);
            }
        }
        return s;
    }
}
