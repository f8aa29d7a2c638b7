// One CUDA device for this process: its primary context, one stream, and JCuda's exceptions switched on.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import gpumlp.util.Closer;
import java.nio.charset.StandardCharsets;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.nvrtc.JNvrtc;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaStream_t;

/**
 * Opening loads the JCuda native libraries (driver, runtime, cuBLAS, NVRTC) and turns on exceptions
 * for every one of them, so no CUDA status code can be ignored; a missing library or driver becomes a
 * {@link GpuUnavailableException} with a sentence from {@link GpuErrors}. The main stream is a
 * blocking stream: the synchronous copies of JCuda (on the legacy stream) are ordered with it. A side
 * stream runs work that may overlap the main stream's, between {@link #forkToSide()} and
 * {@link #joinSide()} (both also work inside a graph capture, which then records the fork and join).
 */
public final class CudaContext implements AutoCloseable {
    /** Why the JCuda native libraries failed to load, once they have (later loads fail without the reason). */
    private static volatile String loadFailure;

    private final int index;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final CUstream side;
    private final CUevent forkEvent = new CUevent();
    private final CUevent joinEvent = new CUevent();
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final long totalMemory;
    private final boolean syncChecks;
    private boolean forked; // forkToSide has run and joinSide not yet
    private boolean closed;

    /** Makes the events; {@code undo} frees them if a later step of opening fails. */
    private CudaContext(int index, CUdevice device, CUcontext context, CUstream stream, CUstream side, boolean syncChecks,
                        Closer undo) {
        this.index = index;
        this.syncChecks = syncChecks;
        this.device = device;
        this.context = context;
        this.stream = stream;
        this.side = side;
        FaultInjection.point("cuEventCreate");
        cuEventCreate(forkEvent, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        undo.register(() -> cuEventDestroy(forkEvent));
        FaultInjection.point("cuEventCreate");
        cuEventCreate(joinEvent, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        undo.register(() -> cuEventDestroy(joinEvent));
        this.name = deviceName(device);
        this.ccMajor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.ccMinor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] total = new long[1];
        cuDeviceTotalMem(total, device);
        this.totalMemory = total[0];
    }

    /** Loads CUDA and counts the devices; throws {@link GpuUnavailableException} when CUDA cannot start. */
    public static int deviceCount() {
        enableExceptions();
        try {
            FaultInjection.point("cuInit");
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            return count[0];
        } catch (CudaException e) {
            throw new GpuUnavailableException(GpuErrors.explain(e), e);
        }
    }

    /** Name, compute capability and memory of one device, read without opening a context. */
    public record DeviceInfo(int index, String name, int ccMajor, int ccMinor, long totalMemory) {}

    /** Describes device {@code index} (after {@link #deviceCount()} succeeded). */
    public static DeviceInfo describe(int index) {
        CUdevice device = new CUdevice();
        cuDeviceGet(device, index);
        long[] total = new long[1];
        cuDeviceTotalMem(total, device);
        return new DeviceInfo(index, deviceName(device),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), total[0]);
    }

    /** The CUDA version the installed driver supports, e.g. "13.0". */
    public static String driverVersion() {
        enableExceptions();
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        return cudaVersion(v[0]);
    }

    /** The version of the CUDA runtime library JCuda loaded, e.g. "12.6". */
    public static String runtimeVersion() {
        enableExceptions();
        int[] v = new int[1];
        JCuda.cudaRuntimeGetVersion(v);
        return cudaVersion(v[0]);
    }

    static String cudaVersion(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    /** Opens device {@code index} (gpu:N), with {@link SyncChecks} when GPU_MLP_CUDA_SYNC asks for them. */
    public static CudaContext open(int index) {
        return open(index, SyncChecks.requested(System.getenv()));
    }

    /** Opens device {@code index}; {@code syncChecks}: wait after every launch and product (see {@link SyncChecks}). */
    static CudaContext open(int index, boolean syncChecks) {
        int count = deviceCount();
        if (count == 0) {
            throw new GpuUnavailableException("no CUDA device found: the NVIDIA driver sees no GPU");
        }
        if (index >= count) {
            throw new GpuUnavailableException("gpu:" + index + " does not exist: this machine has " + count
                    + (count == 1 ? " CUDA device (gpu:0)" : " CUDA devices (gpu:0 to gpu:" + (count - 1) + ")"));
        }
        // a failure releases what was made before it, newest first: events, streams, the primary context
        try (Closer undo = new Closer()) {
            CUdevice device = new CUdevice();
            cuDeviceGet(device, index);
            CUcontext context = new CUcontext();
            FaultInjection.point("cuDevicePrimaryCtxRetain");
            cuDevicePrimaryCtxRetain(context, device);
            undo.register(() -> cuDevicePrimaryCtxRelease(device));
            FaultInjection.point("cuCtxSetCurrent");
            cuCtxSetCurrent(context);
            CUstream stream = new CUstream();
            FaultInjection.point("cuStreamCreate");
            cuStreamCreate(stream, 0);
            undo.register(() -> cuStreamDestroy(stream));
            CUstream side = new CUstream();
            FaultInjection.point("cuStreamCreate");
            cuStreamCreate(side, 0);
            undo.register(() -> cuStreamDestroy(side));
            CudaContext ctx = new CudaContext(index, device, context, stream, side, syncChecks, undo);
            undo.handOver();
            return ctx;
        } catch (CudaException e) {
            throw new GpuUnavailableException(GpuErrors.explain(e), e);
        }
    }

    /**
     * Loads the four JCuda libraries with exceptions on. Where a native library or the driver is
     * missing, the link error becomes a GpuUnavailableException naming what to install.
     */
    static void enableExceptions() {
        String earlier = loadFailure;
        if (earlier != null) {
            throw new GpuUnavailableException(earlier); // the JVM does not retry a failed class initialisation
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCuda.setExceptionsEnabled(true);
            JCublas2.setExceptionsEnabled(true);
            JNvrtc.setExceptionsEnabled(true);
        } catch (LinkageError | CudaException e) {
            String reason = GpuErrors.explain(e);
            if (e instanceof LinkageError) {
                loadFailure = reason;
            }
            throw new GpuUnavailableException(reason, e);
        }
    }

    /** Makes this context current on the calling thread (each public GPU entry point calls it). */
    public void makeCurrent() {
        FaultInjection.point("cuCtxSetCurrent");
        cuCtxSetCurrent(context);
    }

    /** Waits until all work on the stream is done; an asynchronous kernel error surfaces here. */
    public void synchronize() {
        FaultInjection.point("cuStreamSynchronize");
        cuStreamSynchronize(stream);
    }

    CUstream stream() {
        return stream;
    }

    /** True when every kernel launch and cuBLAS call is followed by a wait on its stream (GPU_MLP_CUDA_SYNC). */
    boolean syncChecks() {
        return syncChecks;
    }

    CUstream sideStream() {
        return side;
    }

    /** The side stream waits for everything enqueued on the main stream so far. */
    void forkToSide() {
        FaultInjection.point("cuEventRecord");
        cuEventRecord(forkEvent, stream);
        FaultInjection.point("cuStreamWaitEvent");
        cuStreamWaitEvent(side, forkEvent, 0);
        forked = true;
    }

    /** The main stream waits for everything enqueued on the side stream so far. */
    void joinSide() {
        FaultInjection.point("cuEventRecord");
        cuEventRecord(joinEvent, side);
        FaultInjection.point("cuStreamWaitEvent");
        cuStreamWaitEvent(stream, joinEvent, 0);
        forked = false;
    }

    /**
     * Joins the side stream to the main stream when a fork has not been joined yet: a graph capture that
     * failed between the two must end with the side stream joined, or ending it leaves the side stream
     * capturing. Makes no fault-injection points of its own (it runs on error paths).
     */
    void joinSideIfForked() {
        if (forked) {
            forked = false;
            cuEventRecord(joinEvent, side);
            cuStreamWaitEvent(stream, joinEvent, 0);
        }
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public int computeCapabilityMajor() {
        return ccMajor;
    }

    public int computeCapabilityMinor() {
        return ccMinor;
    }

    public long totalMemory() {
        return totalMemory;
    }

    static String deviceName(CUdevice device) {
        byte[] buf = new byte[256];
        cuDeviceGetName(buf, buf.length, device);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // registered in the reverse order of running: a failing step (an earlier kernel's error surfacing
        // at a synchronize) skips none of the later ones, down to releasing the primary context
        try (Closer c = new Closer()) {
            c.register(() -> cuDevicePrimaryCtxRelease(device));
            c.register(() -> cuStreamDestroy(stream));
            c.register(() -> cuStreamDestroy(side));
            c.register(() -> cuEventDestroy(joinEvent));
            c.register(() -> cuEventDestroy(forkEvent));
            c.register(() -> cuStreamSynchronize(stream));
            c.register(() -> cuStreamSynchronize(side));
            c.register(this::makeCurrent);
        }
    }
}
