// Each deformation kernel against its CPU twin in DeformOps, at awkward sizes, with outputs poisoned by NaN first.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.Tolerances;
import gpumlp.backend.Deformation;
import gpumlp.cpu.DeformOps;
import gpumlp.data.Dataset;
import gpumlp.util.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("gpu")
class DeformKernelsTest {
    // 13 x 9 images: 2hw = 234 is not a multiple of 4 (a partial Philox block), sigma 5 has 15 taps a side,
    // more than the image is wide; batch 5, step 2 of a permutation of 37 samples, a short last batch of 3
    private static final int H = 13;
    private static final int W = 9;
    private static final int HW = H * W;
    private static final int N = 37;
    private static final int BATCH = 5;
    private static final int STEP = 2;
    private static final int ROWS = 3;
    private static final int EPOCH = 7;
    private static final long SEED = 0x1234_5678_9ABCL;
    private static final Deformation D = new Deformation(36, 5, 15, 15, 12, 2.5f);
    private static CudaContext ctx;
    private static Kernels kernels;
    private final Rng rng = new Rng(17);
    private final int[] order = rng.permutation(N);

    @BeforeAll
    static void open() {
        if (Gpu.usable()) {
            ctx = CudaContext.open(0);
            kernels = new Kernels(ctx);
        }
    }

    @BeforeEach
    void needsAGpu() {
        Gpu.assumeUsable();
    }

    @AfterAll
    static void close() {
        if (kernels != null) {
            kernels.close();
            ctx.close();
        }
    }

    private static DeviceBuffer floats(float[] values) {
        return KernelsTest.floats(values);
    }

    private static DeviceBuffer ints(int[] values) {
        return KernelsTest.ints(values);
    }

    private static float[] download(DeviceBuffer b) {
        ctx.synchronize();
        float[] a = new float[(int) b.length()];
        b.download(a);
        return a;
    }

    private static float[] flat(float[][] rows) {
        int n = rows[0].length;
        float[] f = new float[rows.length * n];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, f, r * n, n);
        }
        return f;
    }

    private static void assertClose(float[] want, float[] got, double tolerance, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tolerance, what + " at " + i);
        }
    }

    /** The Philox key as EpochBuffers holds it: the seed's low and high words, the epoch. */
    private static DeviceBuffer key() {
        return ints(new int[] {(int) SEED, (int) (SEED >>> 32), EPOCH});
    }

    private float[][] cpuField() {
        float[][] f = new float[ROWS][2 * HW];
        DeformOps.deformField(SEED, EPOCH, order, STEP * BATCH, ROWS, HW, f);
        return f;
    }

    @Test
    void deformFieldDrawsTheCpusNumbersForTheStepsSamplesAndTheKeyInDeviceMemory() {
        try (DeviceBuffer ord = ints(order); DeviceBuffer step = ints(new int[] {STEP}); DeviceBuffer key = key();
             DeviceBuffer field = floats(Gpu.nans(ROWS * 2 * HW + 1))) {
            kernels.deformField(key, ord, step, BATCH, 0, ROWS, HW, field);
            float[] got = download(field);
            assertClose(flat(cpuField()), java.util.Arrays.copyOf(got, ROWS * 2 * HW), Tolerances.DEFORM_EXACT, "field");
            assertTrue(Float.isNaN(got[ROWS * 2 * HW]), "nothing written past the rows");
        }
    }

    @Test
    void deformSmoothRowsAndColsMatchTheCpuAlongBothAxes() {
        float[][] in = cpuField();
        float[] g = D.gaussian();
        float[][] rowsWant = new float[ROWS][2 * HW];
        float[][] colsWant = new float[ROWS][2 * HW];
        DeformOps.deformSmoothRows(in, rowsWant, ROWS, H, W, g, D.radius(), 1f);
        DeformOps.deformSmoothCols(rowsWant, colsWant, ROWS, H, W, g, D.radius(), D.alpha());
        try (DeviceBuffer a = floats(flat(in)); DeviceBuffer b = floats(Gpu.nans(ROWS * 2 * HW));
             DeviceBuffer c = floats(Gpu.nans(ROWS * 2 * HW)); DeviceBuffer gb = floats(g)) {
            kernels.deformSmoothRows(a, b, ROWS, H, W, gb, D.radius(), 1f);
            kernels.deformSmoothCols(b, c, ROWS, H, W, gb, D.radius(), D.alpha());
            assertClose(flat(rowsWant), download(b), Tolerances.DEFORM_EXACT, "smoothed along x");
            assertClose(flat(colsWant), download(c), Tolerances.DEFORM_EXACT, "smoothed along y, times alpha");
        }
    }

    @Test
    void deformAffineDrawsTheCpusMaps() {
        float[][] want = new float[ROWS][6];
        DeformOps.deformAffine(SEED, EPOCH, order, STEP * BATCH, ROWS, H, W, D.rotate(), D.scale(), D.shear(), D.translate(),
                want);
        try (DeviceBuffer ord = ints(order); DeviceBuffer step = ints(new int[] {STEP}); DeviceBuffer key = key();
             DeviceBuffer affine = floats(Gpu.nans(ROWS * 6))) {
            kernels.deformAffine(key, ord, step, BATCH, 0, ROWS, H, W, D.rotate(), D.scale(), D.shear(), D.translate(), affine);
            assertClose(flat(want), download(affine), Tolerances.DEFORM_AFFINE_ABSOLUTE, "affine maps");
        }
    }

    @Test
    void deformResampleMatchesTheCpuThroughTheFeatureOrderAndLeavesOtherColumns() {
        byte[] images = new byte[N * HW];
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) rng.nextInt(256);
        }
        float[][] field = new float[ROWS][2 * HW];
        float[][] smoothed = new float[ROWS][2 * HW];
        DeformOps.deformSmoothRows(cpuField(), smoothed, ROWS, H, W, D.gaussian(), D.radius(), 1f);
        DeformOps.deformSmoothCols(smoothed, field, ROWS, H, W, D.gaussian(), D.radius(), D.alpha());
        float[][] affine = new float[ROWS][6];
        DeformOps.deformAffine(SEED, EPOCH, order, STEP * BATCH, ROWS, H, W, D.rotate(), D.scale(), D.shear(), D.translate(),
                affine);
        int[] featureOf = rng.permutation(HW);
        int ldx = HW + 3;
        for (boolean elastic : new boolean[] {true, false}) {
            float[][] want = new float[ROWS][HW];
            DeformOps.deformResample(images, HW, order, STEP * BATCH, ROWS, H, W, elastic ? field : null, affine, want);
            try (DeviceBuffer img = DeviceBuffer.bytes(images.length, "t"); DeviceBuffer ord = ints(order);
                 DeviceBuffer step = ints(new int[] {STEP}); DeviceBuffer fb = floats(flat(field));
                 DeviceBuffer ab = floats(flat(affine)); DeviceBuffer fo = ints(featureOf);
                 DeviceBuffer x = floats(Gpu.nans(ROWS * ldx))) {
                img.upload(images);
                kernels.deformResample(img, HW, ord, step, BATCH, 0, ROWS, H, W, elastic ? fb : null, ab, fo, x, ldx);
                float[] got = download(x);
                for (int r = 0; r < ROWS; r++) {
                    assertTrue(Float.isNaN(got[r * ldx]), "the bias column is gather_batch's");
                    for (int c = 0; c < HW; c++) {
                        assertEquals(want[r][featureOf[c]], got[r * ldx + 1 + c], Tolerances.DEFORM_EXACT,
                                (elastic ? "elastic" : "affine only") + ", row " + r + ", column " + c);
                    }
                    assertTrue(Float.isNaN(got[r * ldx + HW + 1]), "padding is not written");
                }
            }
        }
    }

    @Test
    void theWholeStepDeformsAsTheCpuTrainingPathDoes() {
        Dataset data = new Dataset("t", randomBytes(N * HW), new byte[N], N, H, W);
        float[][] want = new float[ROWS][HW];
        DeformOps.deformRows(D, D.gaussian(), SEED, EPOCH, data.images(), H, W, order, STEP * BATCH, 0, ROWS, want);
        try (DeviceData dd = DeviceData.upload(data); DeviceBuffer ord = ints(order); DeviceBuffer step = ints(new int[] {STEP});
             DeviceDeform deform = new DeviceDeform(D, H, W, BATCH); DeviceBuffer key = key();
             DeviceBuffer x = floats(Gpu.nans(ROWS * (HW + 1)))) {
            deform.enqueue(kernels, dd, key, ord, step, BATCH, ROWS, null, x, HW + 1);
            float[] got = download(x);
            for (int r = 0; r < ROWS; r++) {
                for (int p = 0; p < HW; p++) {
                    assertEquals(want[r][p], got[r * (HW + 1) + 1 + p], Tolerances.DEFORM_PIXEL_ABSOLUTE, "row " + r + ", pixel " + p);
                }
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }
}
