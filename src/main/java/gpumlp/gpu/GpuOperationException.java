// A CUDA error with the operation that raised it (a kernel, a cuBLAS product), for the one-line message.
package gpumlp.gpu;

import jcuda.CudaException;

/**
 * Launches and products are asynchronous: an error a launch returns may belong to an earlier operation
 * whose fault only now surfaces (CUDA_ERROR_ILLEGAL_ADDRESS and its kind stay with the context). The
 * operation is {@link #certain()} only when every operation was waited for (GPU_MLP_CUDA_SYNC).
 */
public final class GpuOperationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final boolean certain;

    /** {@code certain}: the operations before this one were each waited for, so the error is this one's. */
    GpuOperationException(String operation, CudaException cause, boolean certain) {
        super(operation + ": " + cause.getMessage(), cause);
        this.operation = operation;
        this.certain = certain;
    }

    /** What failed, e.g. "softmax_xent" or "linearForward (cuBLAS SGEMM)". */
    public String operation() {
        return operation;
    }

    /** True when the error is this operation's for sure; else it may be an earlier one's. */
    public boolean certain() {
        return certain;
    }
}
