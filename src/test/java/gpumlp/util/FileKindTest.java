// What a path names once links are followed: Linux's link limit, /proc descriptor links of pipes, file systems without Unix modes.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKindTest {
    @TempDir
    Path dir;

    /** link0 -> link1 -> ... -> link(n-1) -> target.txt */
    private Path chain(int n) throws IOException {
        Path target = dir.resolve("target.txt");
        Path next = target;
        for (int i = n - 1; i >= 0; i--) {
            next = Files.createSymbolicLink(dir.resolve("link" + i), next.getFileName());
        }
        return next;
    }

    /** As the kernel does (ELOOP after 40 links), a chain of 40 links is followed and one of 41 refused. */
    @Test
    void symbolicLinksAreFollowedUpToLinuxsLimit() throws IOException {
        Path forty = chain(40);
        assertEquals(dir.resolve("target.txt").toAbsolutePath().normalize(), FileKind.followLinks(forty));
        assertEquals(FileKind.MISSING, FileKind.of(forty));
        AtomicFiles.writeString(forty, "through 40 links");
        assertEquals("through 40 links", Files.readString(dir.resolve("target.txt")));
        assertEquals(FileKind.REGULAR, FileKind.of(forty));
        Path fortyOne = Files.createSymbolicLink(dir.resolve("link-1"), forty.getFileName());
        IOException e = assertThrows(IOException.class, () -> FileKind.followLinks(fortyOne));
        assertEquals("too many levels of symbolic links", e.getMessage());
        Path loop = dir.resolve("loop");
        Files.createSymbolicLink(loop, loop.getFileName());
        assertThrows(IOException.class, () -> FileKind.of(loop), "a loop ends in an error, not a hang");
    }

    /**
     * /dev/stdout on a pipe is /proc/self/fd/1, a link to "pipe:[123]", which is no path: the link itself
     * opens the pipe, so it is a FIFO, written in place. Here the pipe is another process's standard input.
     */
    @Test
    void aProcDescriptorLinkOfAPipeIsTheFifoItOpens() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        Process cat = new ProcessBuilder("cat").start();
        try {
            Path stdin = Path.of("/proc/" + cat.pid() + "/fd/0");
            assertTrue(Files.readSymbolicLink(stdin).toString().startsWith("pipe:["));
            assertEquals(stdin, FileKind.followLinks(stdin));
            assertEquals(FileKind.FIFO, FileKind.of(stdin));
            AtomicFiles.writeString(stdin, "into the pipe\n");
            cat.getOutputStream().close(); // our own end: cat sees the end of its input
            assertEquals("into the pipe\n", new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS));
        } finally {
            cat.destroy();
        }
    }

    /** Where a file system has no Unix modes (Windows, a ZIP file system), the basic questions still answer. */
    @Test
    void fileSystemsWithoutUnixModesStillTellFilesFromDirectories() throws IOException {
        Path zip = dir.resolve("fs.zip");
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path file = Files.writeString(fs.getPath("/a.txt"), "x");
            Path sub = Files.createDirectory(fs.getPath("/sub"));
            assertEquals(FileKind.REGULAR, FileKind.of(file));
            assertEquals(FileKind.DIRECTORY, FileKind.of(sub));
            assertEquals(FileKind.MISSING, FileKind.of(fs.getPath("/none")));
        }
    }

    @Test
    void onlyDevicesAndFifosAreWrittenInPlace() {
        for (FileKind k : FileKind.values()) {
            assertEquals(k == FileKind.CHARACTER_DEVICE || k == FileKind.FIFO, k.isStream(), k.name());
        }
        assertEquals("a FIFO (named pipe)", FileKind.FIFO.description());
    }

    /** lnk/.. is the directory above the link's target, as the kernel (and ls) resolve it, not the link's own directory. */
    @Test
    void dotDotAfterALinkIsResolvedByTheFileSystem() throws IOException {
        Path real = dir.toRealPath();
        Files.createDirectories(real.resolve("a/b"));
        Files.createSymbolicLink(real.resolve("lnk"), Path.of("a/b"));
        assertEquals(real.resolve("a"), FileKind.followLinks(real.resolve("lnk/..")));
        assertEquals(FileKind.DIRECTORY, FileKind.of(real.resolve("lnk/..")));
        assertEquals(real.resolve("a/x.npz"), FileKind.followLinks(real.resolve("lnk/../x.npz")));
        assertEquals(real.resolve("a/new/x.npz"), FileKind.followLinks(real.resolve("lnk/../new/./x.npz")));
        assertEquals(real.resolve("a/b/x.npz"), FileKind.followLinks(real.resolve("lnk/../b/../b/x.npz")));
    }

    /** Missing directories are created where the user named them, never where a link points. */
    @Test
    void aMissingNameSpelledByALinkIsTold() throws IOException {
        Path real = dir.toRealPath();
        Files.createDirectories(real.resolve("a/b"));
        Files.createSymbolicLink(real.resolve("lnk"), Path.of("a/b"));
        Files.createSymbolicLink(real.resolve("nowhere"), real.resolve("missing/dir"));
        Files.createSymbolicLink(real.resolve("dangling"), Path.of("a/new.npz"));
        assertTrue(FileKind.missingBehindLink(real.resolve("nowhere/x.npz")));
        assertTrue(FileKind.missingBehindLink(real.resolve("dangling")));
        assertEquals(real.resolve("a/new.npz"), FileKind.followLinks(real.resolve("dangling")));
        assertEquals(false, FileKind.missingBehindLink(real.resolve("lnk/../new/x.npz")));
        assertEquals(false, FileKind.missingBehindLink(real.resolve("plain/x.npz")));
    }
}
