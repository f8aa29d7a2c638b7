// One run at a time per checkpoint directory: an OS lock on DIR/.gpu-mlp.lock, gone when the process dies.
package gpumlp.checkpoint;

import gpumlp.UserError;
import gpumlp.util.FileKind;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Two runs writing checkpoints into one directory would delete and replace each other's files. The
 * lock is the operating system's (fcntl), so a killed run never blocks its own restart. The file
 * holds the owner's "pid@host" for the message the second run gets; it stays in the directory. Anyone
 * who can write into a shared directory could put a link there named like the lock file, so the file
 * is opened without following links and must be a plain file with no other hard link: the run would
 * otherwise overwrite the file the link names.
 */
public final class CheckpointLock implements AutoCloseable {
    /** The lock file's name in the checkpoint directory, which no output of a run may take. */
    public static final String FILE = ".gpu-mlp.lock";

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
            refuseUnlessPlain(dir, file);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS); // a link put there after the check fails here (ELOOP)
            refuseUnlessPlain(dir, file); // a hard link made between the check and the open
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it already
            }
            if (lock == null) {
                String owner = owner(ch);
                ch.close();
                throw new UserError("checkpoint directory " + dir + " is in use by another run"
                        + (owner.isEmpty() ? "" : " (" + owner + ")") + ": wait for it to end, or use another --checkpoint-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new CheckpointLock(ch);
        } catch (UserError e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UserError("cannot lock checkpoint directory " + dir + " (" + file + "): " + IoErrors.describe(e), e);
        }
    }

    /** The lock file must be missing or a regular file that no link leads to and no other name shares. */
    private static void refuseUnlessPlain(Path dir, Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new UserError("checkpoint directory " + dir + " has a symbolic link as its lock file (" + file + " -> "
                    + Files.readSymbolicLink(file) + "): remove the link; a run never writes through one there");
        }
        FileKind kind = FileKind.of(file); // no link here: what the name itself is
        if (kind == FileKind.MISSING) {
            return; // created by the open
        }
        if (kind != FileKind.REGULAR) { // a FIFO opens, then fails to truncate with "Illegal seek"
            throw new UserError("checkpoint directory " + dir + " has a lock file " + file + " that is " + kind.description()
                    + ", not a regular file: remove it; a run makes its own");
        }
        Object links;
        try {
            links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return; // no link counts on this file system
        }
        if (links instanceof Integer n && n > 1) {
            throw new UserError("checkpoint directory " + dir + " has a lock file " + file + " with " + (n - 1) + " other hard "
                    + "link" + (n == 2 ? "" : "s") + ": remove it; a run never writes into a file another name shares");
        }
    }

    /** The owner line another run wrote, read through the open file (never through the path again). */
    private static String owner(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
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
