// The reason part of I/O errors: short, lower case, without the path the message already names.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
    @Test
    void namesTheReasonNotTheExceptionClass() {
        assertEquals("permission denied", IoErrors.describe(new FileNotFoundException("m.npz (Permission denied)")));
        assertEquals("permission denied (m.npz)", IoErrors.describe(new AccessDeniedException("m.npz")));
        assertEquals("unexpected end of file", IoErrors.describe(new EOFException()));
    }
}
