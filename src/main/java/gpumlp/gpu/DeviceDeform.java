// GPU memory and launches of a training step's per-sample deformations (kernels/deform.cu), run after gather_batch.
package gpumlp.gpu;

import gpumlp.backend.Deformation;
import gpumlp.util.Closer;

/**
 * Buffers for batches of up to {@code capacity} rows of h x w images: field and smoothing scratch
 * (capacity x 2hw floats each, only with an elastic field), affine maps (capacity x 6 floats) and the
 * Gaussian (2 radius + 1 floats). The random numbers' key (seed and epoch) is the epoch's Philox key
 * in device memory ({@link EpochBuffers#key}, shared with dropout), so a captured graph follows the
 * epochs. The settings are kernel arguments, captured into graphs: a graph is only replayed for the
 * same ones (GpuBackend's GraphKey).
 */
final class DeviceDeform implements AutoCloseable {
    final Deformation settings;
    final int h;
    final int w;
    final int capacity;
    private final DeviceBuffer gaussian;
    private final DeviceBuffer field;
    private final DeviceBuffer smoothed;
    private final DeviceBuffer affine;

    DeviceDeform(Deformation settings, int h, int w, int capacity) {
        this.settings = settings;
        this.h = h;
        this.w = w;
        this.capacity = capacity;
        long values = (long) capacity * 2 * h * w;
        DeviceBuffer g;
        DeviceBuffer f = null;
        DeviceBuffer s = null;
        DeviceBuffer a;
        try (Closer undo = new Closer()) { // a failed allocation or copy frees the earlier buffers
            float[] weights = settings.gaussian();
            g = undo.register(DeviceBuffer.floats(weights.length, "the deformation Gaussian"));
            g.upload(weights);
            if (settings.elastic()) {
                f = undo.register(DeviceBuffer.floats(values, "the deformation fields"));
                s = undo.register(DeviceBuffer.floats(values, "the smoothed deformation fields"));
            }
            a = undo.register(DeviceBuffer.floats((long) capacity * 6, "the affine deformations"));
            undo.handOver();
        }
        this.gaussian = g;
        this.field = f;
        this.smoothed = s;
        this.affine = a;
    }

    /** True when these buffers serve these settings and image size for batches of `rows`. */
    boolean fits(Deformation d, int h, int w, int rows) {
        return settings.equals(d) && this.h == h && this.w == w && rows <= capacity;
    }

    /**
     * Enqueues the deformation of the batch the step counter points at: x's pixel columns (rows x ldx,
     * column 1 + c = feature featureOf[c]) are replaced by the deformed images of the samples. key: 3 ints
     * in device memory, the seed's low and high words and the epoch.
     */
    void enqueue(Kernels k, DeviceData train, DeviceBuffer key, DeviceBuffer order, DeviceBuffer step, int batchSize,
                 int rows, DeviceBuffer featureOf, DeviceBuffer x, int ldx) {
        if (rows > capacity) {
            throw new IllegalArgumentException(rows + " rows in deformation buffers for " + capacity);
        }
        Deformation d = settings;
        if (d.elastic()) {
            k.deformField(key, order, step, batchSize, 0, rows, h * w, field);
            k.deformSmoothRows(field, smoothed, rows, h, w, gaussian, d.radius(), 1f);
            k.deformSmoothCols(smoothed, field, rows, h, w, gaussian, d.radius(), d.alpha());
        }
        k.deformAffine(key, order, step, batchSize, 0, rows, h, w, d.rotate(), d.scale(), d.shear(), d.translate(), affine);
        k.deformResample(train.images(), h * w, order, step, batchSize, 0, rows, h, w, d.elastic() ? field : null,
                affine, featureOf, x, ldx);
    }

    @Override
    public void close() {
        Closer.closeAll(gaussian, field, smoothed, affine);
    }
}
