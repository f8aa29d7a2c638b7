// Writes a file atomically (temp file in the same directory, fsync, rename over the target); devices and FIFOs in place.
package gpumlp.util;

import gpumlp.UserError;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A reader of the target sees either the old file or the complete new one, never a partial write:
 * the body writes {@code .gpu-mlp-<random>.tmp} next to the target (a fixed 29 bytes, so any target name
 * the file system accepts works), which is forced to disk and then renamed over the target with
 * {@code ATOMIC_MOVE}. On any failure the temp file is deleted and the target is left as it was.
 */
public final class AtomicFiles {
    /** Writes the whole file content to {@code out}; the stream is closed by {@link AtomicFiles}. */
    @FunctionalInterface
    public interface IoWriter {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Called with the temp file once it is forced to disk, just before the rename; tests stand in for a slow fsync. */
    static volatile java.util.function.Consumer<Path> beforeRename = tmp -> { };

    /** Atomically replaces {@code target}; errors read "cannot write file X: reason". */
    public static void write(Path target, IoWriter body) {
        write(target, "file", body);
    }

    /**
     * As {@link #write(Path, IoWriter)}, with {@code what} naming the file in errors ("model file").
     * A symbolic link is followed: its target is replaced, the link stays. A character device or a
     * FIFO (/dev/null, a pipe a reader waits on) is written in place, as a shell redirection would;
     * a block device, socket or directory is refused. Missing directories above the target are
     * created, but not those above a link's target: a link to /missing/dir/x is refused.
     */
    public static void write(Path target, String what, IoWriter body) {
        try {
            Path real = FileKind.followLinks(target);
            FileKind kind = FileKind.of(real);
            if (kind.isStream()) {
                writeInPlace(real, body);
            } else if (kind == FileKind.MISSING || kind == FileKind.REGULAR) {
                if (kind == FileKind.MISSING && FileKind.missingBehindLink(target) && !Files.isDirectory(real.getParent())) {
                    throw new UserError("cannot write " + what + " " + target + ": it is a symbolic link to " + real
                            + ", whose directory " + real.getParent() + " does not exist: create that directory, or "
                            + "give another name");
                }
                replace(real, body);
            } else {
                throw new UserError("cannot write " + what + " " + target + ": it is " + kind.description()
                        + ", not a regular file");
            }
        } catch (IOException e) {
            throw new UserError("cannot write " + what + " " + target + ": " + IoErrors.describe(e), e);
        }
    }

    private static void writeInPlace(Path stream, IoWriter body) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(stream, StandardOpenOption.WRITE), 1 << 16)) {
            body.write(new NonClosing(out));
        }
    }

    @SuppressWarnings("try") // the temp file's lock is held while writing, not used
    private static void replace(Path abs, IoWriter body) throws IOException {
        Path dir = abs.getParent();
        Path tmp = null;
        Path registered = null;
        try {
            Files.createDirectories(dir);
            StaleTempFiles.remove(dir, java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(abs.getFileName().toString())));
            tmp = dir.resolve(StaleTempFiles.newName());
            registered = StaleTempFiles.writing(tmp); // before it exists: this process's own clean-up never opens it
            // the lock tells other processes' StaleTempFiles that a live process writes it, until it has its
            // final name: released before the rename, a slow fsync would let another writer delete the output
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 FileLock lock = lockQuietly(ch)) {
                BufferedOutputStream buf = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.write(new NonClosing(buf));
                buf.flush();
                Durable.force(ch);
                beforeRename.accept(tmp);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                tmp = null;
            }
            Durable.syncDirectory(dir);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
            StaleTempFiles.done(registered);
        }
    }

    /** An exclusive lock on the temp file, or null where the file system has no locks (the write goes on). */
    private static FileLock lockQuietly(FileChannel ch) {
        try {
            return ch.tryLock();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes temp files of dead writers for targets in {@code dir} whose names match {@code targets}. */
    public static void removeStaleTempFiles(Path dir, java.util.regex.Pattern targets) {
        StaleTempFiles.remove(dir, targets);
    }

    /** Atomically replaces {@code target} with {@code text} in UTF-8. */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** Lets the body close its stream (e.g. a ZipOutputStream) without closing the channel we still force. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        /** Nothing to do: AtomicFiles flushes the buffer and closes the real stream after the body. */
        @Override
        public void close() {
        }
    }
}
