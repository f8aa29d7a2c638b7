// A typed array in GPU memory: sized in elements, copied to and from Java arrays, freed by close().
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8;

import gpumlp.UserError;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Copies are synchronous (JCuda cannot copy Java arrays asynchronously): callers synchronize the
 * context's stream first when kernels may still be writing. Offsets and counts are in elements.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Element types and their sizes in bytes. */
    public enum Type {
        BYTE(1), INT(4), FLOAT(4), DOUBLE(8);

        final int bytes;

        Type(int bytes) {
            this.bytes = bytes;
        }
    }

    private final CUdeviceptr ptr = new CUdeviceptr();
    private final Type type;
    private final long length;
    private boolean freed;

    private DeviceBuffer(Type type, long length, String what) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        this.type = type;
        this.length = length;
        long bytes = Math.max(1, length) * type.bytes;
        try {
            FaultInjection.point("cuMemAlloc");
            cuMemAlloc(ptr, bytes);
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) {
                long[] free = {-1};
                long[] total = {-1};
                try {
                    cuMemGetInfo(free, total);
                } catch (CudaException unknown) {
                    free[0] = -1; // the message then leaves the free memory out
                }
                throw new UserError(GpuErrors.outOfMemory(bytes, what, free[0], total[0]), e);
            }
            throw e;
        }
    }

    public static DeviceBuffer floats(long length, String what) {
        return new DeviceBuffer(Type.FLOAT, length, what);
    }

    public static DeviceBuffer ints(long length, String what) {
        return new DeviceBuffer(Type.INT, length, what);
    }

    public static DeviceBuffer bytes(long length, String what) {
        return new DeviceBuffer(Type.BYTE, length, what);
    }

    public static DeviceBuffer doubles(long length, String what) {
        return new DeviceBuffer(Type.DOUBLE, length, what);
    }

    public long length() {
        return length;
    }

    public Type type() {
        return type;
    }

    /** The device address of element {@code offset}, for kernel arguments and cuBLAS. */
    public Pointer at(long offset) {
        check(offset, 0);
        return offset == 0 ? ptr : ptr.withByteOffset(offset * type.bytes);
    }

    /** The device address of element 0. */
    public Pointer pointer() {
        return at(0);
    }

    public void upload(float[] src) {
        upload(Pointer.to(src), Type.FLOAT, src.length);
    }

    public void upload(int[] src) {
        upload(Pointer.to(src), Type.INT, src.length);
    }

    public void upload(byte[] src) {
        upload(Pointer.to(src), Type.BYTE, src.length);
    }

    /** Copies the first dst.length elements into dst. */
    public void download(float[] dst) {
        download(Pointer.to(dst), Type.FLOAT, dst.length);
    }

    public void download(int[] dst) {
        download(Pointer.to(dst), Type.INT, dst.length);
    }

    public void download(double[] dst) {
        download(Pointer.to(dst), Type.DOUBLE, dst.length);
    }

    /** Enqueues a copy of {@code count} elements from pinned memory at byte {@code from} to the start of this buffer. */
    void uploadAsync(PinnedBuffer src, long from, long count, CUstream stream) {
        check(0, count);
        if (from < 0 || from + count * type.bytes > src.bytes()) {
            throw new IndexOutOfBoundsException("pinned bytes [" + from + ", " + (from + count * type.bytes) + ")");
        }
        if (count > 0) {
            FaultInjection.point("cuMemcpyHtoDAsync");
            cuMemcpyHtoDAsync(ptr, src.at(from), count * type.bytes, stream);
        }
    }

    /** Enqueues a copy of the first {@code count} elements of this buffer to pinned memory at byte {@code to}. */
    void downloadAsync(PinnedBuffer dst, long to, long count, CUstream stream) {
        check(0, count);
        if (to < 0 || to + count * type.bytes > dst.bytes()) {
            throw new IndexOutOfBoundsException("pinned bytes [" + to + ", " + (to + count * type.bytes) + ")");
        }
        if (count > 0) {
            FaultInjection.point("cuMemcpyDtoHAsync");
            cuMemcpyDtoHAsync(dst.at(to), ptr, count * type.bytes, stream);
        }
    }

    /** Sets every byte to zero (all-zero bits are 0 for every element type). */
    public void clear() {
        check(0, length);
        FaultInjection.point("cuMemsetD8");
        cuMemsetD8(ptr, (byte) 0, Math.max(1, length) * type.bytes);
    }

    private void upload(Pointer src, Type t, long count) {
        requireType(t);
        check(0, count);
        if (count > 0) {
            FaultInjection.point("cuMemcpyHtoD");
            cuMemcpyHtoD(ptr, src, count * type.bytes);
        }
    }

    private void download(Pointer dst, Type t, long count) {
        requireType(t);
        check(0, count);
        if (count > 0) {
            FaultInjection.point("cuMemcpyDtoH");
            cuMemcpyDtoH(dst, ptr, count * type.bytes);
        }
    }

    private void requireType(Type t) {
        if (t != type) {
            throw new IllegalArgumentException("a " + type + " buffer cannot hold " + t + " values");
        }
    }

    private void check(long offset, long count) {
        if (freed) {
            throw new IllegalStateException("device buffer used after close");
        }
        if (offset < 0 || count < 0 || offset + count > length) {
            throw new IndexOutOfBoundsException("elements [" + offset + ", " + (offset + count) + ") of a buffer of " + length);
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            cuMemFree(ptr);
        }
    }
}
