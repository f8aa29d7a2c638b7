// One run at a time per checkpoint directory: an OS lock on DIR/.gpu-mlp.lock, gone when the process dies.
package gpumlp.checkpoint;

import gpumlp.UserError;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Two runs writing checkpoints into one directory would delete and replace each other's files. The
 * lock is the operating system's (fcntl), so a killed run never blocks its own restart. The file
 * holds the owner's "pid@host" for the message the second run gets; it stays in the directory.
 */
public final class CheckpointLock implements AutoCloseable {
    static final String FILE = ".gpu-mlp.lock";

    private final FileChannel channel; // holds the lock: closing it releases the lock

    private CheckpointLock(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates {@code dir} if needed and locks it; a UserError if another run holds it or it cannot be created. */
    public static CheckpointLock take(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create checkpoint directory " + dir + ": " + IoErrors.describe(e), e);
        }
        Path file = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it already
            }
            if (lock == null) {
                String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                ch.close();
                throw new UserError("checkpoint directory " + dir + " is in use by another run"
                        + (owner.isEmpty() ? "" : " (" + owner + ")") + ": wait for it to end, or use another --checkpoint-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new CheckpointLock(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UserError("cannot lock checkpoint directory " + dir + " (" + file + "): " + IoErrors.describe(e), e);
        }
    }

    private static String host() {
        return host(Path.of("/proc/sys/kernel/hostname"), System.getenv("HOSTNAME"));
    }

    /** The name in {@code file} (no DNS look-up, which may hang), else {@code env} ($HOSTNAME), else "this host". */
    static String host(Path file, String env) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | RuntimeException e) {
            return env == null || env.isBlank() ? "this host" : env;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // the error being reported matters more
        }
    }

    @Override
    public void close() {
        closeQuietly(channel); // releases the lock
    }
}
