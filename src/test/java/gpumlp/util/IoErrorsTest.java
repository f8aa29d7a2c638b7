// The reason part of I/O errors: short, lower case, without the path the message already names.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
    @Test
    void namesTheReasonNotTheExceptionClass() {
        assertEquals("permission denied", IoErrors.describe(new FileNotFoundException("m.npz (Permission denied)")));
        assertEquals("permission denied (m.npz)", IoErrors.describe(new AccessDeniedException("m.npz")));
        assertEquals("unexpected end of file", IoErrors.describe(new EOFException()));
    }

    /** A failing mkdir or rename names the path in the way, which is not always the one the caller names. */
    @Test
    void eachFileSystemProblemSaysWhatAndWhere() {
        assertEquals("permission denied", IoErrors.describe(new AccessDeniedException(null)));
        assertEquals("no such file or directory (runs/a)", IoErrors.describe(new NoSuchFileException("runs/a")));
        assertEquals("no such file or directory", IoErrors.describe(new NoSuchFileException(null)));
        assertEquals("a file is in the way (runs)", IoErrors.describe(new FileAlreadyExistsException("runs")));
        assertEquals("not a directory (runs/x.npz)", IoErrors.describe(new NotDirectoryException("runs/x.npz")));
        assertEquals("directory not empty (ck)", IoErrors.describe(new DirectoryNotEmptyException("ck")));
        assertEquals("No space left on device (m.npz)",
                IoErrors.describe(new FileSystemException("m.npz", null, "No space left on device")));
        assertEquals("Read-only file system",
                IoErrors.describe(new FileSystemException(null, null, "Read-only file system")));
    }

    @Test
    void otherwiseTheMessageOrAtLeastTheKindOfError() {
        // a file-system error without a reason falls back to its message, which names the file
        assertEquals("m.npz", IoErrors.describe(new FileSystemException("m.npz")));
        assertEquals("No such device", IoErrors.describe(new FileNotFoundException("No such device")));
        assertEquals("FileNotFoundException", IoErrors.describe(new FileNotFoundException()));
        assertEquals("entry W1.npy cut short", IoErrors.describe(new EOFException("entry W1.npy cut short")));
        assertEquals("unexpected end of file", IoErrors.describe(new EOFException(" ")));
        assertEquals("disk on fire", IoErrors.describe(new IOException("disk on fire")));
        assertEquals("IOException", IoErrors.describe(new IOException()));
        assertEquals("IOException", IoErrors.describe(new IOException("  ")));
    }
}
