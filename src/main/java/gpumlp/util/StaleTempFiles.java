// Names the temporary files of atomic writes (.gpu-mlp-HEX.tmp) and deletes those a killed writer left behind.
package gpumlp.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A temporary name has a fixed length (29 bytes) whatever the target's, so that a target name the file
 * system accepts never fails only when the temporary file is created next to it. {@link AtomicFiles} holds an OS lock on its
 * temporary file from its creation until it is renamed to its target (a slow fsync included), and the OS drops
 * that lock when the process dies. A temp file of ours that nobody holds locked, and that has not
 * changed (last modification) for a few seconds, is therefore left over from a dead writer and can go;
 * one this process is writing is never even opened. Best effort: a
 * file that cannot be inspected or deleted stays.
 */
final class StaleTempFiles {
    /** Younger files are left alone: a writer may have created its file and not yet locked it. */
    static final Duration MIN_AGE = Duration.ofSeconds(5);

    private StaleTempFiles() {
    }

    /** Temporary files of this version: hidden, ending in neither .npz nor .json, 29 bytes whatever the target. */
    private static final Pattern SHORT = Pattern.compile("\\.gpu-mlp-[0-9a-f]{16}\\.tmp");
    /** Those of earlier versions, named after their target: .NAME.tmp-HEX. */
    private static final Pattern NAMED = Pattern.compile("\\.(.+)\\.tmp-[0-9a-f]{1,16}");

    /**
     * Temp files this process is writing. Another channel on one of them must never be opened and closed
     * here: closing any descriptor of a file drops all of the process's POSIX locks on it, the writer's too.
     */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Marks {@code tmp} as written by this process until {@link #done}; returns it. */
    static Path writing(Path tmp) {
        WRITING.add(tmp.toAbsolutePath());
        return tmp;
    }

    /** {@code tmp} has its final name or is gone (null: nothing was marked). */
    static void done(Path tmp) {
        if (tmp != null) {
            WRITING.remove(tmp.toAbsolutePath());
        }
    }

    /** A new random temporary name (a directory's writers never pick the same one: CREATE_NEW would fail). */
    static String newName() {
        return String.format(java.util.Locale.ROOT, ".gpu-mlp-%016x.tmp", ThreadLocalRandom.current().nextLong());
    }

    /**
     * Deletes the stale temp files in {@code dir}: every one of this version (which target it was for
     * no longer matters once its writer is dead), and those of earlier versions whose target's name
     * matches {@code targets}.
     */
    static void remove(Path dir, Pattern targets) {
        FileTime before = FileTime.from(Instant.now().minus(MIN_AGE));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                var named = NAMED.matcher(name);
                boolean ours = SHORT.matcher(name).matches() || (named.matches() && targets.matcher(named.group(1)).matches());
                if (ours && !WRITING.contains(f.toAbsolutePath()) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0) {
                    deleteUnlessLocked(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning up is a courtesy; the write itself goes on
        }
    }

    private static void deleteUnlessLocked(Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS); FileLock lock = ch.tryLock()) {
            // still old once locked: a writer that locked it after our age test has written since
            if (lock != null && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).compareTo(
                    FileTime.from(Instant.now().minus(MIN_AGE))) < 0) {
                Files.deleteIfExists(f);
            }
        } catch (OverlappingFileLockException e) {
            // this process is writing it
        } catch (IOException e) {
            // gone already, or not ours to delete
        }
    }
}
