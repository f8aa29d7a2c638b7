// Input paths are checked before they are opened: what is not a regular file, or is larger than allowed, gets a clear error.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileUpToTheLimitIsAcceptedAndOneByteMoreIsNot() throws IOException {
        Path f = Files.write(dir.resolve("sweep.yaml"), new byte[1500]);
        assertEquals(1500, InputFiles.regularFile(f, "sweep file", 1500));
        assertEquals(1500, InputFiles.regularFile(f, "sweep file"));
        UserError e = assertThrows(UserError.class, () -> InputFiles.regularFile(f, "sweep file", 1499));
        assertEquals("sweep file " + f + " is 1,500 bytes, more than the 1,499 a sweep file may have", e.getMessage());
    }

    @Test
    void whatIsNotARegularFileIsNamed() throws IOException {
        Path missing = dir.resolve("none.npz");
        assertEquals("model file " + missing + " does not exist",
                assertThrows(UserError.class, () -> InputFiles.regularFile(missing, "model file")).getMessage());
        assertEquals("model file " + dir + " is a directory, not a file",
                assertThrows(UserError.class, () -> InputFiles.regularFile(dir, "model file")).getMessage());
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        assertEquals("model file " + fifo + " is a FIFO (named pipe), not a regular file (reading it could wait forever):"
                        + " copy the content into a file",
                assertThrows(UserError.class, () -> InputFiles.regularFile(fifo, "model file")).getMessage());
    }

    @Test
    void aLinkLoopIsAnErrorNamingTheFile() throws IOException {
        Path loop = Files.createSymbolicLink(dir.resolve("loop.npz"), Path.of("loop.npz"));
        assertEquals("cannot read model file " + loop + ": too many levels of symbolic links",
                assertThrows(UserError.class, () -> InputFiles.regularFile(loop, "model file")).getMessage());
    }
}
