// GPU memory and launches of a training step's per-sample deformations (kernels/deform.cu), run after gather_batch.
package gpumlp.gpu;

import gpumlp.backend.Deformation;

/**
 * Buffers for batches of up to {@code capacity} rows of h x w images: field and smoothing scratch
 * (capacity x 2hw floats each, only with an elastic field), affine maps (capacity x 6 floats), the
 * Gaussian (2 radius + 1 floats) and the epoch number (1 int, uploaded before each epoch and read by
 * the kernels, so a captured graph follows the epochs). The settings and the seed are kernel
 * arguments, captured into graphs: a graph is only replayed for the same ones (GpuBackend's GraphKey).
 */
final class DeviceDeform implements AutoCloseable {
    final Deformation settings;
    final long seed;
    final int h;
    final int w;
    final int capacity;
    private final DeviceBuffer epoch;
    private final DeviceBuffer gaussian;
    private final DeviceBuffer field;
    private final DeviceBuffer smoothed;
    private final DeviceBuffer affine;

    DeviceDeform(Deformation settings, long seed, int h, int w, int capacity) {
        this.settings = settings;
        this.seed = seed;
        this.h = h;
        this.w = w;
        this.capacity = capacity;
        long values = (long) capacity * 2 * h * w;
        DeviceBuffer e = null;
        DeviceBuffer g = null;
        DeviceBuffer f = null;
        DeviceBuffer s = null;
        DeviceBuffer a = null;
        try {
            e = DeviceBuffer.ints(1, "the epoch number");
            float[] weights = settings.gaussian();
            g = DeviceBuffer.floats(weights.length, "the deformation Gaussian");
            g.upload(weights);
            if (settings.elastic()) {
                f = DeviceBuffer.floats(values, "the deformation fields");
                s = DeviceBuffer.floats(values, "the smoothed deformation fields");
            }
            a = DeviceBuffer.floats((long) capacity * 6, "the affine deformations");
        } catch (RuntimeException | Error ex) {
            GpuBackend.closeAll(e, g, f, s, a);
            throw ex;
        }
        this.epoch = e;
        this.gaussian = g;
        this.field = f;
        this.smoothed = s;
        this.affine = a;
    }

    /** True when these buffers serve these settings, seed and image size for batches of `rows`. */
    boolean fits(Deformation d, long seed, int h, int w, int rows) {
        return settings.equals(d) && this.seed == seed && this.h == h && this.w == w && rows <= capacity;
    }

    /** The epoch the next steps draw for (a synchronous copy: the stream must not be reading it). */
    void setEpoch(int e) {
        epoch.upload(new int[] {e});
    }

    /**
     * Enqueues the deformation of the batch the step counter points at: x's pixel columns (rows x ldx,
     * column 1 + c = feature featureOf[c]) are replaced by the deformed images of the samples.
     */
    void enqueue(Kernels k, DeviceData train, DeviceBuffer order, DeviceBuffer step, int batchSize, int rows,
                 DeviceBuffer featureOf, DeviceBuffer x, int ldx) {
        if (rows > capacity) {
            throw new IllegalArgumentException(rows + " rows in deformation buffers for " + capacity);
        }
        Deformation d = settings;
        if (d.elastic()) {
            k.deformField(seed, epoch, order, step, batchSize, 0, rows, h * w, field);
            k.deformSmoothRows(field, smoothed, rows, h, w, gaussian, d.radius(), 1f);
            k.deformSmoothCols(smoothed, field, rows, h, w, gaussian, d.radius(), d.alpha());
        }
        k.deformAffine(seed, epoch, order, step, batchSize, 0, rows, h, w, d.rotate(), d.scale(), d.shear(),
                d.translate(), affine);
        k.deformResample(train.images(), h * w, order, step, batchSize, 0, rows, h, w, d.elastic() ? field : null,
                affine, featureOf, x, ldx);
    }

    @Override
    public void close() {
        GpuBackend.closeAll(epoch, gaussian, field, smoothed, affine);
    }
}
