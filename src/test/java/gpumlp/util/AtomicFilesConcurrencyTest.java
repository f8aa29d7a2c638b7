// Writers of one file side by side: hidden temp names of their own, a temp file in use is never taken for a dead writer's.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesConcurrencyTest {
    @TempDir
    Path dir;

    private List<Path> others(Path except) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.equals(except)).toList();
        }
    }

    /**
     * While a model is written, the directory holds a hidden file that ends in neither .npz nor .json,
     * so that `ls` and globs such as *.npz never pick up a half-written file; its name has a fixed,
     * short length, so that it fits wherever the target's name does.
     */
    @Test
    void theFileBeingWrittenIsHiddenAndShort() throws IOException {
        Path target = dir.resolve("model.npz");
        List<Path> during = new ArrayList<>();
        AtomicFiles.write(target, out -> {
            out.write(1);
            during.addAll(others(target));
        });
        assertEquals(1, during.size(), during.toString());
        String name = during.get(0).getFileName().toString();
        assertTrue(name.matches("\\.gpu-mlp-[0-9a-f]{16}\\.tmp"), name);
        assertEquals(List.of(), others(target), "the temp file became the target");
    }

    /**
     * Two runs writing the same file at once (a shared metrics file, a retried job) each write their own
     * temp file; the one that renames last wins, whole, and neither fails. A writer that finds the other's
     * temp file, even one that looks old, leaves it alone while the other holds it.
     */
    @Test
    void aSecondWriterNeverTakesTheFirstWritersTempFile() throws IOException {
        Path target = dir.resolve("metrics.jsonl");
        List<Path> outer = new ArrayList<>();
        AtomicFiles.write(target, out -> {
            out.write("outer\n".getBytes(StandardCharsets.UTF_8));
            outer.addAll(others(target));
            // old enough to look like a killed writer's: only the lock says it is in use
            Files.setLastModifiedTime(outer.get(0), FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
            List<Path> inner = new ArrayList<>();
            AtomicFiles.write(target, in -> {
                in.write("inner\n".getBytes(StandardCharsets.UTF_8));
                inner.addAll(others(target));
            });
            assertEquals(2, inner.size(), "both temp files exist side by side: " + inner);
            assertTrue(Files.exists(outer.get(0)), "the first writer's temp file is still there");
            assertEquals("inner\n", Files.readString(target));
        });
        assertEquals("outer\n", Files.readString(target), "the last rename wins, whole");
        assertEquals(List.of(), others(target));
    }

    /**
     * fsync of a large checkpoint on NFS or Lustre can take longer than the age at which an unlocked temp
     * file counts as a dead writer's: the temp file stays locked until it has its final name, so another
     * writer's clean-up in the same directory never deletes a run's output between fsync and rename.
     */
    @Test
    void aTempFileStaysLockedUntilItIsRenamed() throws IOException {
        Path target = dir.resolve("checkpoint.npz");
        List<String> seen = new ArrayList<>();
        AtomicFiles.beforeRename = tmp -> {
            try {
                // the fsync took 10 minutes: the file looks old, and another writer cleans up the directory
                Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
                StaleTempFiles.remove(dir, Pattern.compile(".*"));
                seen.add(Files.exists(tmp) ? "kept" : "deleted");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
                    seen.add(lock == null ? "locked by another process" : "unlocked");
                } catch (OverlappingFileLockException e) {
                    seen.add("locked");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            AtomicFiles.writeString(target, "whole\n");
        } finally {
            AtomicFiles.beforeRename = tmp -> { };
        }
        assertEquals(List.of("kept", "locked"), seen);
        assertEquals("whole\n", Files.readString(target));
        assertEquals(List.of(), others(target));
    }

    @Test
    void tempNamesDifferFromWriteToWrite() throws IOException {
        Path target = dir.resolve("a.json");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AtomicFiles.write(target, out -> names.add(others(target).get(0).getFileName().toString()));
        }
        assertNotEquals(names.get(0), names.get(1));
        assertNotEquals(names.get(1), names.get(2));
    }

    /** What the checkpoint store calls at start-up: only stale temp files of matching targets go. */
    @Test
    void staleTempFilesOfMatchingTargetsCanBeRemovedWithoutAWrite() throws IOException {
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
        Path ours = Files.writeString(dir.resolve(".ckpt-0003.npz.tmp-00ff"), "killed mid-write");
        Path notOurs = Files.writeString(dir.resolve(".model.npz.tmp-00ff"), "another target");
        Path fresh = Files.writeString(dir.resolve(".ckpt-0004.npz.tmp-0a"), "being created");
        Path notTemp = Files.writeString(dir.resolve("ckpt-0002.npz"), "a checkpoint");
        for (Path p : new Path[] {ours, notOurs, notTemp}) {
            Files.setLastModifiedTime(p, old);
        }
        AtomicFiles.removeStaleTempFiles(dir, Pattern.compile("ckpt-\\d+\\.npz"));
        assertFalse(Files.exists(ours));
        assertTrue(Files.exists(notOurs));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(notTemp));
        AtomicFiles.removeStaleTempFiles(dir.resolve("missing"), Pattern.compile(".*")); // nothing to do, no error
    }

    /**
     * A finished write no longer counts as this process's own: a dead writer's temp file that has the same
     * name later (another process, a restarted run) is cleaned up like any other, not skipped for ever.
     */
    @Test
    void aFinishedWritesTempNameIsCleanedUpLikeAnyOther() throws IOException {
        Path target = dir.resolve("a.json");
        List<Path> tmps = new ArrayList<>();
        AtomicFiles.beforeRename = tmps::add;
        try {
            AtomicFiles.writeString(target, "1\n");
        } finally {
            AtomicFiles.beforeRename = tmp -> { };
        }
        Path leftOver = Files.writeString(tmps.get(0), "half a write"); // a killed writer that drew the same name
        Files.setLastModifiedTime(leftOver, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
        StaleTempFiles.remove(dir, Pattern.compile(".*"));
        assertFalse(Files.exists(leftOver), "the stale temp file stayed");
        assertEquals("1\n", Files.readString(target));
    }
}
