// TFRecord framing, as TensorBoard reads event files: length, masked CRC32C of the length, data, masked CRC32C of the data.
package gpumlp.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One record is {@code uint64 length, uint32 masked_crc32c(length bytes), byte[length] data,
 * uint32 masked_crc32c(data)}, all little-endian. The mask, TensorFlow's, is
 * {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8} in 32-bit arithmetic.
 */
public final class TfRecord {
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {}

    /** The record holding {@code data}. */
    public static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc32c(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc32c(data, 0, data.length));
        return b.array();
    }

    /** TensorFlow's masked CRC32C of {@code len} bytes of {@code bytes} from {@code off}. */
    public static int maskedCrc32c(byte[] bytes, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }
}
