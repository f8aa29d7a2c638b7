// TFRecord framing and TensorFlow's masked CRC32C, checked against values from TensorBoard's own Python code.
package gpumlp.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TfRecordTest {
    @Test
    void maskedCrcIsTensorFlows() {
        // tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c(b'123456789') and of struct.pack('<Q', 9)
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xc78ab0e5, TfRecord.maskedCrc32c(data, 0, data.length));
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(9).array();
        assertEquals(0x3971f937, TfRecord.maskedCrc32c(length, 0, 8));
    }

    @Test
    void aRecordIsLengthCrcDataCrc() {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer r = ByteBuffer.wrap(TfRecord.frame(data)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8 + 4 + 9 + 4, r.remaining());
        assertEquals(9, r.getLong());
        assertEquals(0x3971f937, r.getInt());
        byte[] back = new byte[9];
        r.get(back);
        assertArrayEquals(data, back);
        assertEquals(0xc78ab0e5, r.getInt());
    }
}
