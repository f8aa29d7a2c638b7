// Developer tool, run on the GPU machine: times each SGEMM shape the network uses, and transposed alternatives.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import java.util.Locale;
import jcuda.driver.CUevent;

/**
 * Usage (on the GPU machine): bash .devkit/run java gpumlp.gpu.GemmShapes [batch...]. Not a test: prints
 * the mean microseconds of 50 back-to-back calls of each product, to choose between formulations
 * (for tiny products the host's launch time shows).
 */
public final class GemmShapes {
    private GemmShapes() {}

    public static void main(String[] args) {
        int[] batches = args.length == 0 ? new int[] {8192, 128, 1} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        try (CudaContext ctx = CudaContext.open(0); Gemm gemm = new Gemm(ctx, false)) {
            int maxB = java.util.Arrays.stream(batches).max().getAsInt();
            DeviceBuffer x = random(maxB * 804L);
            DeviceBuffer big = random(maxB * 800L);
            DeviceBuffer small = random(maxB * 10L);
            DeviceBuffer w1 = random(800L * 800);
            DeviceBuffer w2 = random(801L * 10);
            DeviceBuffer s = DeviceBuffer.floats(4, "scalars");
            s.upload(new float[] {1f, 0f, -1e-6f, 1f});
            jcuda.Pointer one = s.at(0);
            jcuda.Pointer zero = s.at(1);
            jcuda.Pointer neg = s.at(2);
            for (int b : batches) {
                System.out.println("batch " + b);
                time(ctx, "fwd W1     N,N m=800 n=B k=785", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_N, 800, b, 785, one, w1.pointer(), 800, x.pointer(), 788, zero, big.pointer(), 800));
                time(ctx, "fwd W1 pad N,N m=800 n=B k=800 ld=800", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_N, 800, b, 800, one, w1.pointer(), 800, x.pointer(), 800, zero, big.pointer(), 800));
                time(ctx, "fwd W1 k784 N,N m=800 n=B k=784 ld=788", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_N, 800, b, 784, one, w1.pointer(), 800, x.pointer(), 788, zero, big.pointer(), 800));
                time(ctx, "fwd W2     N,N m=10 n=B k=801", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_N, 10, b, 801, one, w2.pointer(), 10, x.pointer(), 804, zero, small.pointer(), 10));
                time(ctx, "fwd W2^T   T,T m=B n=10 k=801", () -> gemm.raw(CUBLAS_OP_T, CUBLAS_OP_T, b, 10, 801, one, x.pointer(), 804, w2.pointer(), 10, zero, small.pointer(), b));
                time(ctx, "bwd W2     T,N m=800 n=B k=10", () -> gemm.raw(CUBLAS_OP_T, CUBLAS_OP_N, 800, b, 10, one, w2.at(10), 10, small.pointer(), 10, zero, big.pointer(), 800));
                time(ctx, "upd W1     N,T m=800 n=785 k=B", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_T, 800, 785, b, neg, big.pointer(), 800, x.pointer(), 788, one, w1.pointer(), 800));
                time(ctx, "upd W1 pad N,T m=800 n=800 k=B ld=800", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_T, 800, 800, b, neg, big.pointer(), 800, x.pointer(), 800, one, w1.pointer(), 800));
                time(ctx, "upd W1^T   N,T m=785 n=800 k=B", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_T, 785, 800, b, neg, x.pointer(), 788, big.pointer(), 800, one, w1.pointer(), 788));
                time(ctx, "fwd W1^T   T,N m=800 n=B k=785 lda=788", () -> gemm.raw(CUBLAS_OP_T, CUBLAS_OP_N, 800, b, 785, one, w1.pointer(), 788, x.pointer(), 788, zero, big.pointer(), 800));
                time(ctx, "fwd W1 half N,N m=800 n=B/2 k=785", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_N, 800, b / 2, 785, one, w1.pointer(), 800, x.pointer(), 788, zero, big.pointer(), 800));
                time(ctx, "fwd W1 TT  T,T m=B n=800 k=785", () -> gemm.raw(CUBLAS_OP_T, CUBLAS_OP_T, b, 800, 785, one, x.pointer(), 788, w1.pointer(), 800, zero, big.pointer(), b));
                time(ctx, "upd W2     N,T m=10 n=801 k=B", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_T, 10, 801, b, neg, small.pointer(), 10, x.pointer(), 804, one, w2.pointer(), 10));
                time(ctx, "upd W2^T   N,T m=801 n=10 k=B", () -> gemm.raw(CUBLAS_OP_N, CUBLAS_OP_T, 801, 10, b, neg, x.pointer(), 804, small.pointer(), 10, one, big.pointer(), 801));
            }
        }
    }

    private static DeviceBuffer random(long n) {
        float[] a = new float[(int) n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() - 0.5) * 0.01f;
        }
        DeviceBuffer b = DeviceBuffer.floats(n, "bench");
        b.upload(a);
        return b;
    }

    private static void time(CudaContext ctx, String name, Runnable call) {
        for (int i = 0; i < 5; i++) {
            call.run();
        }
        CUevent a = new CUevent();
        CUevent b = new CUevent();
        cuEventCreate(a, 0);
        cuEventCreate(b, 0);
        int reps = 50;
        cuEventRecord(a, ctx.stream());
        for (int i = 0; i < reps; i++) {
            call.run();
        }
        cuEventRecord(b, ctx.stream());
        cuEventSynchronize(b);
        float[] ms = new float[1];
        cuEventElapsedTime(ms, a, b);
        System.out.printf(Locale.ROOT, "  %-34s %9.1f us%n", name, 1000 * ms[0] / reps);
    }
}
