// Page-locked host memory: the staging area for copies that run asynchronously on a stream.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;

/**
 * Java arrays cannot be copied asynchronously; a pinned buffer can. The host must not touch the
 * bytes of a copy still in flight: callers fill it before enqueueing and read it after a synchronize.
 * Offsets are in bytes.
 */
final class PinnedBuffer implements AutoCloseable {
    private final Pointer host = new Pointer();
    private final long bytes;
    private final ByteBuffer view;
    private boolean freed;

    PinnedBuffer(long bytes) {
        this.bytes = Math.max(8, bytes);
        FaultInjection.point("cuMemAllocHost");
        cuMemAllocHost(host, this.bytes);
        this.view = host.getByteBuffer(0, this.bytes).order(ByteOrder.nativeOrder());
    }

    long bytes() {
        return bytes;
    }

    /** The host address of byte {@code offset}, for cuMemcpy*Async. */
    Pointer at(long offset) {
        return host.withByteOffset(offset);
    }

    void putInts(long offset, int[] values) {
        view.duplicate().order(ByteOrder.nativeOrder()).position((int) offset).asIntBuffer().put(values);
    }

    void putFloats(long offset, float[] values) {
        view.duplicate().order(ByteOrder.nativeOrder()).position((int) offset).asFloatBuffer().put(values);
    }

    void getInts(long offset, int[] into) {
        view.duplicate().order(ByteOrder.nativeOrder()).position((int) offset).asIntBuffer().get(into);
    }

    void getDoubles(long offset, double[] into) {
        view.duplicate().order(ByteOrder.nativeOrder()).position((int) offset).asDoubleBuffer().get(into);
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFreeHost(host);
        }
    }
}
