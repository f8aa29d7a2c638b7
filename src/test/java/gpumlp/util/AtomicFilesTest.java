// Tests that AtomicFiles replaces files whole, cleans up its temp file, and reports failures by path.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void writesAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second ü");
        assertEquals("second ü", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of(target), listing());
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/c.bin");
        AtomicFiles.write(target, out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    }

    @Test
    void failingBodyLeavesExistingTargetUntouched() throws IOException {
        Path target = dir.resolve("model.npz");
        Files.writeString(target, "old content");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("boom");
        }));
        IOException io = new IOException("No space left on device");
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.write(target, "model file", out -> {
            out.write(new byte[100]);
            throw io;
        }));
        assertEquals("cannot write model file " + target + ": No space left on device", e.getMessage());
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void bodyMayCloseItsStream() throws IOException {
        Path target = dir.resolve("closed.bin");
        AtomicFiles.write(target, out -> {
            out.write(7);
            out.close();
        });
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
    }

    @Test
    void unwritableLocationIsAUserErrorNamingThePath() throws IOException {
        Files.writeString(dir.resolve("plain"), "x");
        Path target = dir.resolve("plain/sub/out.txt");
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.writeString(target, "y"));
        assertTrue(e.getMessage().startsWith("cannot write file " + target + ": "), e.getMessage());
    }
}
