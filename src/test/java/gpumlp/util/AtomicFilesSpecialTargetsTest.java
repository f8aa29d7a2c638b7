// Tests that atomic writes never replace a device, FIFO or symbolic link, and clean up temp files of dead writers.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesSpecialTargetsTest {
    @TempDir
    Path dir;

    @Test
    void aCharacterDeviceIsWrittenInPlaceNotReplaced() throws IOException {
        Path dev = SpecialFiles.nullDevice(dir.resolve("null"));
        AtomicFiles.writeString(dev, "discarded");
        assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(dev), "still the device node");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp file left beside it");
        }
    }

    @Test
    void aFifoIsWrittenInPlaceForTheReaderWaitingOnIt() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> AtomicFiles.writeString(fifo, "through the pipe\n"));
        assertEquals("through the pipe\n", assertTimeoutPreemptively(Duration.ofSeconds(20), () -> reader.get()));
        assertEquals(FileKind.FIFO, FileKind.of(fifo));
    }

    @Test
    void aSymbolicLinkKeepsPointingAtItsTargetWhichIsReplacedAtomically() throws IOException {
        Path real = Files.createDirectories(dir.resolve("elsewhere")).resolve("model.npz");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("model.npz"), real);
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("new", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("later.json"), Path.of("elsewhere/later.json"));
        AtomicFiles.writeString(dangling, "{}");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("{}", Files.readString(dir.resolve("elsewhere/later.json")));
    }

    @Test
    void aSocketOrADirectoryIsRefused() throws IOException {
        Path sock = dir.resolve("sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            UserError e = assertThrows(UserError.class, () -> AtomicFiles.writeString(sock, "x"));
            assertTrue(e.getMessage().contains("it is a socket, not a regular file"), e.getMessage());
            assertFalse(Files.isRegularFile(sock, LinkOption.NOFOLLOW_LINKS));
        }
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.writeString(dir, "x"));
        assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
    }

    @Test
    void tempFilesOfAKilledWriterGoOnTheNextWriteButNotThoseInUseOrFresh() throws IOException {
        Path target = dir.resolve("metrics.jsonl");
        Path stale = Files.writeString(dir.resolve(".metrics.jsonl.tmp-1a2b3c"), "left by SIGKILL");
        Path fresh = Files.writeString(dir.resolve(".metrics.jsonl.tmp-4d5e6f"), "just created");
        Path busy = Files.writeString(dir.resolve(".metrics.jsonl.tmp-778899"), "being written");
        Path other = Files.writeString(dir.resolve(".notes.txt.tmp-abcdef"), "another target's");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
        for (Path p : new Path[] {stale, busy, other}) {
            Files.setLastModifiedTime(p, old);
        }
        try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertTrue(held.isValid());
            AtomicFiles.writeString(target, "{}\n");
        }
        assertFalse(Files.exists(stale), "an unlocked temp file of a dead writer is removed");
        assertTrue(Files.exists(fresh), "a fresh one may belong to a writer about to lock it");
        assertTrue(Files.exists(busy), "a locked one belongs to a live writer");
        assertTrue(Files.exists(other), "only the target's own temp files are touched");
        assertEquals("{}\n", Files.readString(target));
    }
}
