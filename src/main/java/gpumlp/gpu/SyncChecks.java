// GPU_MLP_CUDA_SYNC=1: wait for the GPU after every kernel launch and cuBLAS call, so a failure names its operation.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuStreamIsCapturing;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import gpumlp.UserError;
import gpumlp.util.OnOffVariable;
import java.util.Map;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureStatus;

/**
 * Kernels and products run asynchronously: a fault surfaces at a later synchronisation, far from the
 * launch that caused it. With the variable set, every launch and product is followed by a wait on
 * its stream, which is slow but pins the error to its operation. Waiting is not allowed while a
 * stream is captured into a CUDA graph, so the GPU backend runs its steps eagerly in this mode (see
 * GpuBackend); a capture seen here anyway is not waited on.
 */
public final class SyncChecks {
    /** The environment variable that turns the checks on (the words of {@link OnOffVariable}). */
    public static final String VARIABLE = "GPU_MLP_CUDA_SYNC";

    private SyncChecks() {}

    /**
     * True when {@code env} asks for the checks; a word other than those of {@link OnOffVariable} is a
     * UserError naming the variable (the CLI refuses it as a usage error before the GPU is opened).
     */
    public static boolean requested(Map<String, String> env) {
        try {
            return OnOffVariable.parse(VARIABLE, env.get(VARIABLE));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** Waits for everything enqueued on {@code stream}, unless it is being captured. */
    static void await(CUstream stream) {
        int[] status = new int[1];
        cuStreamIsCapturing(stream, status);
        if (status[0] == CUstreamCaptureStatus.CU_STREAM_CAPTURE_STATUS_NONE) {
            cuStreamSynchronize(stream);
        }
    }
}
