// For tests: makes the k-th CUDA, cuBLAS or NVRTC call from now fail, to show that every error path explains itself and frees what it made.
package gpumlp.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.CudaException;

/**
 * Every call into CUDA, cuBLAS or NVRTC that can fail is preceded by {@link #point(String)} (a call
 * that ends a state, such as cuStreamEndCapture, by a point right after it: a real failure there
 * still ends the state). Disarmed, a point is one volatile read. Armed with {@link #arm(int, String)},
 * the points are counted and the k-th one (0 first) throws a {@link CudaException} as JCuda would have
 * for that call: the error name first in its message and the call as the top frame of its stack, so
 * {@link GpuErrors#describe} names the operation as for a real failure. One fault per arming.
 * Process-wide state: only tests arm it, one at a time.
 */
final class FaultInjection {
    /** Armed: points are counted, and the one numbered {@code target} fails. */
    private static volatile boolean armed;
    private static int target;
    private static int passed;
    private static String driverError;
    private static String fired;
    private static final List<String> seen = new ArrayList<>();

    private FaultInjection() {}

    /**
     * From now on, the {@code k}-th point (0 first) fails; driver calls with {@code driverError} (e.g.
     * "CUDA_ERROR_LAUNCH_FAILED"), cuBLAS calls with CUBLAS_STATUS_INTERNAL_ERROR, NVRTC calls with
     * NVRTC_ERROR_INTERNAL_ERROR. {@code k} = Integer.MAX_VALUE only counts the points.
     */
    static synchronized void arm(int k, String driverError) {
        if (k < 0) {
            throw new IllegalArgumentException("negative fault index " + k);
        }
        target = k;
        passed = 0;
        FaultInjection.driverError = driverError;
        fired = null;
        seen.clear();
        armed = true;
    }

    /** Stops counting and failing. */
    static synchronized void disarm() {
        armed = false;
    }

    /** Points passed since {@link #arm}, the failing one included. */
    static synchronized int passed() {
        return passed;
    }

    /** The calls at the points passed since {@link #arm}, in order (for a test's failure message). */
    static synchronized List<String> seen() {
        return List.copyOf(seen);
    }

    /** The call that was made to fail since {@link #arm}, or null when none has been. */
    static synchronized String fired() {
        return fired;
    }

    /** Marks the CUDA, cuBLAS or NVRTC function {@code call} about to be made (or just made, see the class comment). */
    static void point(String call) {
        if (armed) {
            count(call);
        }
    }

    private static synchronized void count(String call) {
        if (!armed) {
            return;
        }
        seen.add(call);
        if (passed++ == target) {
            armed = false;
            fired = call;
            throw failure(call, driverError);
        }
    }

    /**
     * The exception JCuda throws for a failing {@code call}: message the error name (and where the fault
     * was injected), stack trace topped by a frame of the JCuda class that has {@code call}.
     */
    static CudaException failure(String call, String driverError) {
        String error = call.startsWith("cublas") ? "CUBLAS_STATUS_INTERNAL_ERROR"
                : call.startsWith("nvrtc") ? "NVRTC_ERROR_INTERNAL_ERROR" : driverError;
        CudaException e = new CudaException(error + " (fault injected at " + call + ")");
        String owner = call.startsWith("cublas") ? "jcuda.jcublas.JCublas2"
                : call.startsWith("nvrtc") ? "jcuda.nvrtc.JNvrtc" : "jcuda.driver.JCudaDriver";
        StackTraceElement[] stack = e.getStackTrace();
        int from = 0; // this class's own frames go: the call's frame takes their place
        while (from < stack.length && stack[from].getClassName().equals(FaultInjection.class.getName())) {
            from++;
        }
        List<StackTraceElement> frames = new ArrayList<>();
        frames.add(new StackTraceElement(owner, call, null, -1));
        frames.addAll(Arrays.asList(stack).subList(from, stack.length));
        e.setStackTrace(frames.toArray(new StackTraceElement[0]));
        return e;
    }
}
