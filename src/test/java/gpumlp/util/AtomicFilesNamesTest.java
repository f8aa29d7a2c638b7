// Temporary names that fit wherever the target's does, their clean-up, and links into directories that do not exist.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesNamesTest {
    @TempDir
    Path dir;

    /** 255 bytes is the longest name of ext4, xfs, btrfs and tmpfs: a temp name built from it would not fit. */
    @Test
    void aTargetNameAsLongAsTheFileSystemAllowsIsWritten() throws IOException {
        for (String name : List.of("b".repeat(251) + ".npz", "\u00e9".repeat(125) + ".json")) { // 255 bytes in UTF-8
            Path target = dir.resolve(name);
            AtomicFiles.writeString(target, "whole\n");
            assertEquals("whole\n", Files.readString(target));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temp file left");
        }
    }

    /** Which target a dead writer's temp file was for no longer matters: any write into the directory removes it. */
    @Test
    void aKilledWritersTempFileGoesOnTheNextWriteIntoItsDirectoryUnlessInUseOrFresh() throws IOException {
        Path stale = Files.writeString(dir.resolve(".gpu-mlp-00000000000000ab.tmp"), "left by SIGKILL");
        Path fresh = Files.writeString(dir.resolve(".gpu-mlp-00000000000000cd.tmp"), "just created");
        Path busy = Files.writeString(dir.resolve(".gpu-mlp-00000000000000ef.tmp"), "being written");
        Path lookalike = Files.writeString(dir.resolve(".gpu-mlp-notes.tmp"), "not a temp name of ours");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(5)));
        for (Path p : new Path[] {stale, busy, lookalike}) {
            Files.setLastModifiedTime(p, old);
        }
        try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertTrue(held.isValid());
            AtomicFiles.writeString(dir.resolve("other-target.json"), "{}\n");
        }
        assertFalse(Files.exists(stale), "an unlocked temp file of a dead writer is removed");
        assertTrue(Files.exists(fresh), "a fresh one may belong to a writer about to lock it");
        assertTrue(Files.exists(busy), "a locked one belongs to a live writer");
        assertTrue(Files.exists(lookalike), "only names of the temp pattern are touched");
    }

    /** Directories are made for an output, but never where a link points: that could be anywhere the link's author chose. */
    @Test
    void aLinkIntoAMissingDirectoryIsRefusedAndNothingIsMadeThere() throws IOException {
        Path gone = dir.resolve("gone");
        Path link = Files.createSymbolicLink(dir.resolve("x.npz"), gone.resolve("dir/x.npz"));
        UserError e = assertThrows(UserError.class, () -> AtomicFiles.write(link, "model file", out -> out.write(1)));
        assertEquals("cannot write model file " + link + ": it is a symbolic link to " + gone.resolve("dir/x.npz")
                + ", whose directory " + gone.resolve("dir") + " does not exist: create that directory, or give another name",
                e.getMessage());
        assertFalse(Files.exists(gone));
        Files.createDirectories(gone.resolve("dir"));
        AtomicFiles.writeString(link, "through the link");
        assertEquals("through the link", Files.readString(gone.resolve("dir/x.npz")));
        assertTrue(Files.isSymbolicLink(link));
        AtomicFiles.writeString(dir.resolve("made/on/demand.json"), "{}"); // a plain path's directories are still made
        assertTrue(Files.isRegularFile(dir.resolve("made/on/demand.json")));
    }
}
