// Why the GPU cannot be used here, in words a user can act on (missing driver, missing CUDA 12 libraries, no device).
package gpumlp.gpu;

import gpumlp.UserError;

public final class GpuUnavailableException extends UserError {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String reason) {
        super(reason);
    }

    public GpuUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
