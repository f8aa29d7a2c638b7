// Each CUDA kernel against its CPU twin in CpuOps, on awkward sizes, with outputs poisoned by NaN before the launch.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.cpu.CpuOps;
import gpumlp.util.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class KernelsTest {
    private static CudaContext ctx;
    private static Kernels kernels;
    private final Rng rng = new Rng(42);

    @BeforeAll
    static void open() {
        if (Gpu.usable()) {
            ctx = CudaContext.open(0);
            kernels = new Kernels(ctx);
        }
    }

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable(); // each test is reported as skipped, with the reason
    }

    @AfterAll
    static void close() {
        if (kernels != null) {
            kernels.close();
            ctx.close();
        }
    }

    private float[] randomFloats(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    static DeviceBuffer floats(float[] values) {
        DeviceBuffer b = DeviceBuffer.floats(values.length, "test");
        b.upload(values);
        return b;
    }

    static DeviceBuffer ints(int[] values) {
        DeviceBuffer b = DeviceBuffer.ints(values.length, "test");
        b.upload(values);
        return b;
    }

    private static float[] download(DeviceBuffer b) {
        ctx.synchronize();
        float[] a = new float[(int) b.length()];
        b.download(a);
        return a;
    }

    @Test
    void gatherBatchPicksTheStepsBatchThroughThePermutationAndTheFeatureOrder() {
        int n = 37;
        int features = 29;
        int batch = 5;
        int rows = 3; // the last, smaller batch of step 2
        int ldx = 32;
        byte[] images = new byte[n * features];
        byte[] labels = new byte[n];
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rng.nextInt(10);
        }
        int[] order = rng.permutation(n);
        int[] featureOf = rng.permutation(features);
        try (DeviceBuffer img = DeviceBuffer.bytes(images.length, "t"); DeviceBuffer lab = DeviceBuffer.bytes(n, "t");
             DeviceBuffer ord = ints(order); DeviceBuffer step = ints(new int[] {2}); DeviceBuffer fo = ints(featureOf);
             DeviceBuffer x = floats(Gpu.nans(rows * ldx)); DeviceBuffer bl = ints(new int[] {-1, -1, -1})) {
            img.upload(images);
            lab.upload(labels);
            kernels.gatherBatch(img, features, ord, step, batch, 0, rows, lab, fo, x, ldx, bl);
            float[] got = download(x);
            int[] gotLabels = new int[rows];
            bl.download(gotLabels);
            float[][] want = new float[rows][features];
            CpuOps.gatherBatch(images, features, order, 2 * batch, rows, want);
            for (int r = 0; r < rows; r++) {
                assertEquals(1f, got[r * ldx], "bias column of row " + r);
                for (int c = 0; c < features; c++) {
                    assertEquals(want[r][featureOf[c]], got[r * ldx + 1 + c], "row " + r + ", column " + c);
                }
                assertEquals(labels[order[2 * batch + r]], gotLabels[r], "label of row " + r);
                assertTrue(Float.isNaN(got[r * ldx + features + 1]), "padding is not written");
            }
        }
    }

    @Test
    void reluForwardAndBackwardMatchTheCpuBitForBit() {
        int rows = 7;
        int d = 300; // not a multiple of the block size
        int ldx = 304;
        float[] s = randomFloats(rows * d, 3f);
        s[0] = 0f;
        s[1] = -0f;
        float[] delta = randomFloats(rows * d, 1f);
        try (DeviceBuffer sb = floats(s); DeviceBuffer xb = floats(Gpu.nans(rows * ldx)); DeviceBuffer db = floats(delta)) {
            kernels.reluForward(sb, d, rows, d, xb, ldx);
            kernels.reluBackward(db, d, xb, ldx, rows, d);
            float[] x = download(xb);
            float[] dGot = download(db);
            float[][] sRows = CpuOps.toRows(s, rows, d);
            float[][] dRows = CpuOps.toRows(delta, rows, d);
            CpuOps.reluForward(sRows, rows, d);
            CpuOps.reluBackward(dRows, sRows, rows, d);
            for (int r = 0; r < rows; r++) {
                assertEquals(1f, x[r * ldx]);
                for (int j = 0; j < d; j++) {
                    assertEquals(Float.floatToRawIntBits(sRows[r][j]), Float.floatToRawIntBits(x[r * ldx + 1 + j]),
                            "relu_forward at " + r + "," + j);
                    assertEquals(dRows[r][j], dGot[r * d + j], "relu_backward at " + r + "," + j);
                }
            }
        }
    }

    @Test
    void softmaxXentWritesTheDeltaLossAndCountIntoTheStepsSlot() {
        int rows = 1000; // four blocks of 256 threads, the last one partly idle
        int classes = 10;
        int blocks = Kernels.softmaxXentBlocks(rows);
        float[] z = randomFloats(rows * classes, 8f);
        int[] y = new int[rows];
        byte[] labels = new byte[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rng.nextInt(classes);
            labels[r] = (byte) y[r];
        }
        double[] lossSlots = new double[6];
        int[] correctSlots = new int[6];
        try (DeviceBuffer zb = floats(z); DeviceBuffer yb = ints(y); DeviceBuffer step = ints(new int[] {3});
             DeviceBuffer loss = DeviceBuffer.doubles(6, "t"); DeviceBuffer correct = ints(new int[] {-1, -1, -1, -1, -1, -1});
             DeviceBuffer partialLoss = DeviceBuffer.doubles(blocks, "t"); DeviceBuffer partialCorrect = ints(new int[blocks]);
             DeviceBuffer done = ints(new int[] {0})) {
            kernels.softmaxXent(zb, rows, classes, yb, step, loss, correct, partialLoss, partialCorrect, done);
            float[] delta = download(zb);
            zb.upload(z); // the same batch again: the second launch must find the block counter reset
            kernels.softmaxXent(zb, rows, classes, yb, step, loss, correct, partialLoss, partialCorrect, done);
            ctx.synchronize();
            loss.download(lossSlots);
            correct.download(correctSlots);
            int[] stepAfter = new int[1];
            step.download(stepAfter);
            int[] doneAfter = new int[1];
            done.download(doneAfter);
            float[][] zr = CpuOps.toRows(z, rows, classes);
            CpuOps.LossAndCorrect want = CpuOps.softmaxXent(zr, rows, classes, labels, null, 0);
            assertEquals(5, stepAfter[0], "the step counter advances once per launch");
            assertEquals(0, doneAfter[0], "the block counter is left at 0");
            assertEquals(want.correct(), correctSlots[3]);
            assertEquals(want.correct(), correctSlots[4]);
            assertEquals(-1, correctSlots[2], "other slots are untouched");
            assertEquals(want.loss(), lossSlots[3], Tolerances.GPU_KERNEL_RELATIVE * want.loss());
            assertEquals(lossSlots[3], lossSlots[4], 0.0, "the block sums are added in a fixed order");
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < classes; j++) {
                    assertEquals(zr[r][j], delta[r * classes + j], Tolerances.GPU_KERNEL_ABSOLUTE, "delta at " + r + "," + j);
                }
            }
        }
    }

    @Test
    void xentArgmaxAndSoftmaxMatchTheCpu() {
        int rows = 261;
        int classes = 10;
        float[] z = randomFloats(rows * classes, 8f);
        z[5 * classes + 3] = z[5 * classes + 7] = 100f; // a tie: the first index wins, as on the CPU
        int[] y = new int[rows];
        byte[] labels = new byte[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rng.nextInt(classes);
            labels[r] = (byte) y[r];
        }
        try (DeviceBuffer zb = floats(z); DeviceBuffer z2 = floats(z); DeviceBuffer yb = ints(y);
             DeviceBuffer loss = DeviceBuffer.doubles(rows, "t"); DeviceBuffer pred = ints(new int[rows])) {
            kernels.xentArgmax(zb, rows, classes, yb, loss, pred);
            kernels.softmax(z2, rows, classes);
            ctx.synchronize();
            double[] rowLoss = new double[rows];
            int[] predicted = new int[rows];
            loss.download(rowLoss);
            pred.download(predicted);
            float[] probs = download(z2);
            float[][] p = CpuOps.toRows(z, rows, classes);
            CpuOps.softmax(p, rows, classes);
            for (int r = 0; r < rows; r++) {
                float[] zr = Arrays.copyOfRange(z, r * classes, (r + 1) * classes);
                assertEquals(gpumlp.util.Vectors.argmax(zr, classes), predicted[r], "argmax of row " + r);
                float[][] one = {zr.clone()};
                double want = CpuOps.softmaxXent(one, 1, classes, new byte[] {labels[r]}, null, 0).loss();
                assertEquals(want, rowLoss[r], Tolerances.GPU_KERNEL_ABSOLUTE + Tolerances.GPU_KERNEL_RELATIVE * want);
                for (int j = 0; j < classes; j++) {
                    assertEquals(p[r][j], probs[r * classes + j], Tolerances.GPU_KERNEL_ABSOLUTE);
                }
            }
            assertEquals(3, predicted[5]);
        }
    }

    @Test
    void outerProductUpdateMatchesTheCpuBitForBitBiasRowIncluded() {
        int dIn = 37;
        int dOut = 300;
        float[] w = randomFloats((dIn + 1) * dOut, 1f);
        float[] x = randomFloats(dIn, 1f);
        for (int i = 0; i < dIn; i += 3) {
            x[i] = 0f; // zero inputs leave their rows unchanged
        }
        float[] xAug = new float[dIn + 1];
        xAug[0] = 1f;
        System.arraycopy(x, 0, xAug, 1, dIn);
        float[] delta = randomFloats(dOut, 1f);
        float eta = 0.37f;
        try (DeviceBuffer wb = floats(w); DeviceBuffer xb = floats(xAug); DeviceBuffer db = floats(delta);
             DeviceBuffer etab = floats(new float[] {eta})) {
            kernels.outerProductUpdate(wb.pointer(), xb.pointer(), db.pointer(), dIn, dOut, etab.pointer());
            float[] got = download(wb);
            float[][] want = CpuOps.toRows(w, dIn + 1, dOut);
            CpuOps.outerProductUpdate(want, x, dIn, delta, dOut, eta);
            float[] wantFlat = new float[w.length];
            CpuOps.toFlat(want, wantFlat);
            assertArrayEquals(wantFlat, got);
            assertTrue(!Arrays.equals(w, got), "the weights changed");
        }
    }

    @Test
    void momentumUpdateMatchesTheCpuBitForBit() {
        int n = 1031;
        float[] w = randomFloats(n, 1f);
        float[] v = randomFloats(n, 0.1f);
        float[] g = randomFloats(n, 5f);
        float mu = 0.9f;
        float eta = 0.05f;
        float gScale = 1f / 64;
        try (DeviceBuffer wb = floats(w); DeviceBuffer vb = floats(v); DeviceBuffer gb = floats(g);
             DeviceBuffer s = floats(new float[] {mu, eta, gScale})) {
            kernels.momentumUpdate(wb, vb, gb, n, s.at(0), s.at(1), s.at(2));
            float[] wGot = download(wb);
            float[] vGot = download(vb);
            float[] wWant = w.clone();
            float[] vWant = v.clone();
            CpuOps.momentumUpdate(wWant, vWant, n, mu, eta, g, gScale);
            assertArrayEquals(vWant, vGot);
            assertArrayEquals(wWant, wGot);
        }
    }

    @Test
    void dropoutDrawsTheCpusMasksBitForBitForwardAndBackward() {
        int n = 41;
        int rows = 7;
        int d = 300; // not a multiple of the block size or of 4
        int ldx = 305;
        int batch = 9;
        int[] order = rng.permutation(n);
        int[] unitOf = rng.permutation(d);
        long seed = 0x1234_5678_9ABCL;
        int epoch = 3;
        float p = 0.37f;
        float scale = gpumlp.backend.Regularisation.keepScale(p);
        float[] x = randomFloats(rows * ldx, 2f);
        try (DeviceBuffer xb = floats(x); DeviceBuffer x2 = floats(x); DeviceBuffer ord = ints(order);
             DeviceBuffer uo = ints(unitOf); DeviceBuffer step = ints(new int[] {2});
             DeviceBuffer key = ints(new int[] {(int) seed, (int) (seed >>> 32), epoch});
             DeviceBuffer ps = floats(new float[] {p, scale})) {
            int stream = gpumlp.util.Philox.STREAM_DROPOUT + 1;
            // forward: the batch of step 2 (rows from 2 * batch); backward: the counter has moved on, start = -batch
            kernels.dropout(xb.pointer(), ldx, rows, d, uo, ord, step, batch, 0, key, stream, ps.pointer());
            step.upload(new int[] {3});
            kernels.dropout(x2.pointer(), ldx, rows, d, null, ord, step, batch, -batch, key, stream, ps.pointer());
            float[] got = download(xb);
            float[] got2 = download(x2);
            float[][] want = new float[rows][];
            float[][] want2 = new float[rows][];
            for (int r = 0; r < rows; r++) {
                want[r] = Arrays.copyOfRange(x, r * ldx, r * ldx + d);
                want2[r] = want[r].clone();
            }
            try (gpumlp.cpu.Parallel par = new gpumlp.cpu.Parallel(1)) {
                CpuOps.dropout(want, rows, d, unitOf, order, 2 * batch, seed, epoch, stream, p, scale, par);
                CpuOps.dropout(want2, rows, d, null, order, 2 * batch, seed, epoch, stream, p, scale, par);
            }
            int dropped = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(Float.floatToRawIntBits(want[r][j]), Float.floatToRawIntBits(got[r * ldx + j]),
                            "forward mask at " + r + "," + j);
                    assertEquals(Float.floatToRawIntBits(want2[r][j]), Float.floatToRawIntBits(got2[r * ldx + j]),
                            "backward mask at " + r + "," + j);
                    dropped += want[r][j] == 0f ? 1 : 0;
                }
                for (int j = d; j < ldx; j++) {
                    assertEquals(x[r * ldx + j], got[r * ldx + j], "padding is not written");
                }
            }
            assertTrue(dropped > rows * d / 5 && dropped < rows * d / 2, "about 37 % dropped: " + dropped);
        }
    }

    @Test
    void weightDecayMatchesTheCpuBitForBitAndSparesTheBiasRow() {
        int dIn = 37;
        int dOut = 300;
        float[] w = randomFloats((dIn + 1) * dOut, 1f);
        float[] g = randomFloats((dIn + 1) * dOut, 5f);
        float a = 0.0123f;
        float shrink = -0.00037f;
        try (DeviceBuffer wb = floats(w); DeviceBuffer gb = floats(g); DeviceBuffer s = floats(new float[] {a, shrink})) {
            kernels.weightDecay(gb.pointer(), wb.pointer(), dIn, dOut, s.at(0)); // on the gradient, with momentum
            kernels.weightDecay(wb.pointer(), wb.pointer(), dIn, dOut, s.at(1)); // on W itself, without
            float[] gGot = download(gb);
            float[] wGot = download(wb);
            float[][] gWant = CpuOps.toRows(g, dIn + 1, dOut);
            float[][] wWant = CpuOps.toRows(w, dIn + 1, dOut);
            CpuOps.weightDecay(gWant, wWant, dIn, dOut, a);
            CpuOps.weightDecay(wWant, wWant, dIn, dOut, shrink);
            float[] gFlat = new float[g.length];
            float[] wFlat = new float[w.length];
            CpuOps.toFlat(gWant, gFlat);
            CpuOps.toFlat(wWant, wFlat);
            assertArrayEquals(gFlat, gGot);
            assertArrayEquals(wFlat, wGot);
            assertArrayEquals(Arrays.copyOf(w, dOut), Arrays.copyOf(wGot, dOut), "the bias row is not decayed");
        }
    }

    @Test
    void maxNormMatchesTheCpuWithinAnUlpAndSparesTheBiasRow() {
        int dIn = 785; // W1's rows: not a multiple of the 16 stripes
        int dOut = 70; // three blocks of 32 columns, the last one partly idle
        float[] w = randomFloats((dIn + 1) * dOut, 0.2f);
        for (int i = 1; i <= dIn; i++) {
            w[i * dOut + 5] *= 0.01f; // a short column: left alone
        }
        float c = 2.5f; // columns have norm ~0.2 sqrt(785 / 3) ~ 3.2
        try (DeviceBuffer wb = floats(w); DeviceBuffer cb = floats(new float[] {c})) {
            kernels.maxNorm(wb.pointer(), dIn, dOut, cb.pointer());
            float[] got = download(wb);
            float[][] want = CpuOps.toRows(w, dIn + 1, dOut);
            CpuOps.maxNorm(want, dIn, dOut, c);
            int rescaled = 0;
            for (int i = 0; i <= dIn; i++) {
                for (int j = 0; j < dOut; j++) {
                    float e = want[i][j];
                    assertEquals(e, got[i * dOut + j], Tolerances.MAX_NORM_ULPS * Math.ulp(e), "w at " + i + "," + j);
                }
            }
            for (int j = 0; j < dOut; j++) {
                rescaled += want[1][j] != w[dOut + j] ? 1 : 0;
            }
            assertTrue(rescaled > dOut / 2 && rescaled < dOut, "most columns, not all, are rescaled: " + rescaled);
            assertArrayEquals(Arrays.copyOf(w, dOut), Arrays.copyOf(got, dOut), "the bias row is not rescaled");
        }
    }
}
