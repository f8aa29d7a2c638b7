// Deletes the temporary files an atomic write killed mid-way (SIGKILL, power loss) left behind: .NAME.tmp-HEX.
package gpumlp.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * {@link AtomicFiles} holds an OS lock on its temporary file while it writes it, and the OS drops
 * that lock when the process dies. A temp file of ours that nobody holds locked, and that has not
 * changed for a few seconds, is therefore left over from a dead writer and can go. Best effort: a
 * file that cannot be inspected or deleted stays.
 */
final class StaleTempFiles {
    /** Younger files are left alone: a writer may have created its file and not yet locked it. */
    static final Duration MIN_AGE = Duration.ofSeconds(5);

    private StaleTempFiles() {
    }

    /** The name of a temp file for {@code target} plus a random hex suffix. */
    static String prefix(String target) {
        return "." + target + ".tmp-";
    }

    /** Deletes stale temp files in {@code dir} of any target whose name matches {@code targets}. */
    static void remove(Path dir, Pattern targets) {
        Pattern temp = Pattern.compile("\\.(.+)\\.tmp-[0-9a-f]{1,16}");
        FileTime before = FileTime.from(Instant.now().minus(MIN_AGE));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp-*")) {
            for (Path f : files) {
                var m = temp.matcher(f.getFileName().toString());
                if (m.matches() && targets.matcher(m.group(1)).matches() && Files.isRegularFile(f)
                        && Files.getLastModifiedTime(f).compareTo(before) < 0) {
                    deleteUnlessLocked(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning up is a courtesy; the write itself goes on
        }
    }

    private static void deleteUnlessLocked(Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
            if (lock != null) {
                Files.deleteIfExists(f);
            }
        } catch (OverlappingFileLockException e) {
            // this process is writing it
        } catch (IOException e) {
            // gone already, or not ours to delete
        }
    }
}
