// A CUDA error with the operation that raised it (a kernel, a cuBLAS product), for the one-line message.
package gpumlp.gpu;

import jcuda.CudaException;

public final class GpuOperationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String operation;

    GpuOperationException(String operation, CudaException cause) {
        super(operation + ": " + cause.getMessage(), cause);
        this.operation = operation;
    }

    /** What failed, e.g. "softmax_xent" or "linearForward (cuBLAS SGEMM)". */
    public String operation() {
        return operation;
    }
}
