// Measures one GPU for reports: its memory (cuMemGetInfo) and the throughput of a large cuBLAS SGEMM.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.util.SplittableRandom;
import jcuda.jcublas.cublasOperation;

/**
 * Opens its own handle on the device's primary context (the one a {@link GpuBackend} on the same
 * device uses, so memory figures include the backend's buffers). Memory counts the whole device,
 * other processes included: used = total - free.
 */
public final class GpuMeter implements AutoCloseable {
    /** Side of the square matrices timed by {@link #sgemmFlopsPerSecond}: large enough to reach the card's peak. */
    public static final int SGEMM_SIZE = 8192;

    private final CudaContext ctx;

    /** A device's memory in bytes. */
    public record Memory(long free, long total) {
        public long used() {
            return total - free;
        }
    }

    private GpuMeter(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** Opens gpu:{@code index}; {@link GpuUnavailableException} when it cannot be used. */
    public static GpuMeter open(int index) {
        return new GpuMeter(CudaContext.open(index));
    }

    /** Free and total memory of the device now. */
    public Memory memory() {
        ctx.makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        return new Memory(free[0], total[0]);
    }

    /**
     * The rate of SGEMM (TF32 tensor cores when {@code tf32}) on n x n matrices of random values,
     * n = {@link #SGEMM_SIZE}, in operations (2 n^3 a product) per second, timed over at least
     * {@code seconds} after a warm-up. Its buffers (about 0.8 GiB) are freed before it returns.
     */
    public double sgemmFlopsPerSecond(boolean tf32, double seconds) {
        ctx.makeCurrent();
        int n = SGEMM_SIZE;
        long elements = (long) n * n;
        float[] host = new float[(int) elements];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < host.length; i++) {
            host[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        try (Gemm gemm = new Gemm(ctx, tf32);
             DeviceBuffer a = DeviceBuffer.floats(elements, "the SGEMM measurement");
             DeviceBuffer b = DeviceBuffer.floats(elements, "the SGEMM measurement");
             DeviceBuffer c = DeviceBuffer.floats(elements, "the SGEMM measurement");
             DeviceBuffer scalars = DeviceBuffer.floats(2, "the SGEMM scalars")) {
            a.upload(host);
            b.upload(host);
            scalars.upload(new float[] {1f, 0f});
            Runnable product = () -> gemm.raw(cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N, n, n, n,
                    scalars.at(0), a.pointer(), n, b.pointer(), n, scalars.at(1), c.pointer(), n);
            for (int i = 0; i < 3; i++) {
                product.run();
            }
            ctx.synchronize();
            long calls = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                for (int i = 0; i < 5; i++) {
                    product.run();
                }
                calls += 5;
                ctx.synchronize();
                elapsed = System.nanoTime() - t0;
            } while (elapsed < seconds * 1e9);
            return calls * 2.0 * n * n * (double) n / (elapsed / 1e9);
        }
    }

    @Override
    public void close() {
        ctx.close();
    }
}
