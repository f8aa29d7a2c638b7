// The network's three matrix products as cuBLAS SGEMM calls, on the context's stream, scalars read from the device.
package gpumlp.gpu;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasGetVersion;
import static jcuda.jcublas.JCublas2.cublasSetMathMode;
import static jcuda.jcublas.JCublas2.cublasSetPointerMode;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSetWorkspace;
import static jcuda.jcublas.JCublas2.cublasSgemm;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import gpumlp.util.Closer;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.runtime.cudaStream_t;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasPointerMode;

/**
 * Storage order, stated once: every matrix is row-major as on the host (W(l) is (d(l-1)+1) x d(l) with
 * the bias in row 0; a batch is rows x ld). cuBLAS is column-major, so it sees each row-major matrix
 * M as M^T; the products below are written for that view.
 *
 * <p>alpha and beta are device pointers (CUBLAS_POINTER_MODE_DEVICE): a captured CUDA graph then
 * reads the current learning rate instead of the one it was captured with. The workspace is set
 * explicitly so that cuBLAS allocates nothing during graph capture. FP32 by default; TF32 tensor
 * cores only when asked.
 */
public final class Gemm implements AutoCloseable {
    private static final long WORKSPACE_BYTES = 32L << 20;

    private final cublasHandle handle = new cublasHandle();
    private final DeviceBuffer workspace;
    private final boolean tf32;
    private final CUstream stream;
    private final boolean syncChecks;
    private boolean closed;

    /** cuBLAS on the context's main stream. */
    public Gemm(CudaContext ctx, boolean tf32) {
        this(ctx, ctx.stream(), tf32);
    }

    /** cuBLAS on {@code stream} of {@code ctx}, with its own handle and workspace. */
    Gemm(CudaContext ctx, CUstream stream, boolean tf32) {
        this.tf32 = tf32;
        this.stream = stream;
        this.syncChecks = ctx.syncChecks();
        try (Closer undo = new Closer()) { // a failing step frees the handle and the workspace made before it
            FaultInjection.point("cublasCreate");
            cublasCreate(handle);
            undo.register(() -> cublasDestroy(handle));
            workspace = undo.register(DeviceBuffer.bytes(WORKSPACE_BYTES, "the cuBLAS workspace"));
            FaultInjection.point("cublasSetStream");
            cublasSetStream(handle, new cudaStream_t(stream));
            FaultInjection.point("cublasSetWorkspace");
            cublasSetWorkspace(handle, workspace.pointer(), WORKSPACE_BYTES);
            FaultInjection.point("cublasSetPointerMode");
            cublasSetPointerMode(handle, cublasPointerMode.CUBLAS_POINTER_MODE_DEVICE);
            FaultInjection.point("cublasSetMathMode");
            cublasSetMathMode(handle, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH);
            undo.handOver();
        }
    }

    public boolean tf32() {
        return tf32;
    }

    /** cuBLAS's version as major.minor.patch. */
    public String version() {
        int[] v = new int[1];
        cublasGetVersion(handle, v);
        return v[0] / 10000 + "." + v[0] / 100 % 100 + "." + v[0] % 100;
    }

    /**
     * linearForward: S = alpha [1 X] W + beta S. x: rows x ldx whose column 0 is the 1 (k = dIn + 1 columns
     * used); w: (dIn + 1) x dOut; s: rows x lds. Column-major view: S^T = W^T [1 X]^T.
     */
    public void linearForward(Pointer x, int ldx, int rows, int dIn, Pointer w, int dOut, Pointer s, int lds,
                              Pointer alpha, Pointer beta) {
        sgemm("linearForward", CUBLAS_OP_N, CUBLAS_OP_N, dOut, rows, dIn + 1, alpha, w, dOut, x, ldx, beta, s, lds);
    }

    /**
     * linearBackward: P = alpha Delta W[1:]^T + beta P, W without its bias row. delta: rows x dOut;
     * w: (dPrev + 1) x dOut; p: rows x dPrev. Column-major view: P^T = (W[1:]^T)^T Delta^T, where
     * W[1:]^T is the dOut x dPrev column-major matrix starting one row (dOut floats) into w.
     */
    public void linearBackward(Pointer delta, int rows, int dOut, Pointer w, int dPrev, Pointer p,
                               Pointer alpha, Pointer beta) {
        Pointer wNoBias = w.withByteOffset((long) dOut * Float.BYTES);
        sgemm("linearBackward", CUBLAS_OP_T, CUBLAS_OP_N, dPrev, rows, dOut, alpha, wNoBias, dOut, delta, dOut, beta, p,
                dPrev);
    }

    /**
     * sgdUpdate (with beta = 1) or the gradient (beta = 0): C = alpha [1 X]^T Delta + beta C, the sum of the
     * per-sample outer products. x: rows x ldx (column 0 the 1); delta: rows x dOut; c: (dIn + 1) x dOut.
     * Column-major view: C^T = Delta^T [1 X].
     */
    public void outerProductSum(Pointer delta, int rows, int dOut, Pointer x, int ldx, int dIn, Pointer c,
                                Pointer alpha, Pointer beta) {
        sgemm("outerProductSum", CUBLAS_OP_N, CUBLAS_OP_T, dOut, dIn + 1, rows, alpha, delta, dOut, x, ldx, beta, c, dOut);
    }

    /** Any SGEMM on this handle (column-major arguments as cuBLAS takes them), for measurements. */
    void raw(int opA, int opB, int m, int n, int k, Pointer alpha, Pointer a, int lda, Pointer b, int ldb, Pointer beta,
             Pointer c, int ldc) {
        sgemm("SGEMM", opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /** cublasSgemm; a failure (or, with sync checks, a fault found by waiting) names {@code operation}. */
    private void sgemm(String operation, int opA, int opB, int m, int n, int k, Pointer alpha, Pointer a, int lda,
                       Pointer b, int ldb, Pointer beta, Pointer c, int ldc) {
        try {
            FaultInjection.point("cublasSgemm");
            cublasSgemm(handle, opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (syncChecks) {
                SyncChecks.await(stream);
            }
        } catch (CudaException e) {
            throw new GpuOperationException(operation + " (cuBLAS SGEMM)", e, syncChecks);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Closer c = new Closer()) { // the handle first, then its workspace, even when destroying it fails
            c.register(workspace);
            c.register(() -> cublasDestroy(handle));
        }
    }
}
