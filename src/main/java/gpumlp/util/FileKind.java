// What a path names once its symbolic links are followed: nothing, a regular file, a device, a FIFO, a directory.
package gpumlp.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Readers use it to refuse a FIFO or device before opening it (opening a FIFO blocks until a writer
 * comes, reading /dev/zero never ends); writers use it to write a character device or FIFO in place
 * instead of replacing it, and to write a symbolic link's target instead of the link.
 */
public enum FileKind {
    MISSING("nothing"), REGULAR("a regular file"), DIRECTORY("a directory"), CHARACTER_DEVICE("a character device"),
    FIFO("a FIFO (named pipe)"), BLOCK_DEVICE("a block device"), SOCKET("a socket"), OTHER("a special file");

    /** Symbolic links followed at most this many times (Linux's own limit), so a loop cannot hang us. */
    private static final int MAX_LINKS = 40;
    private static final int S_IFMT = 0170000;
    /** What Linux's /proc/PID/fd links name when the descriptor is no file in a directory: pipe:[123], socket:[45]. */
    private static final java.util.regex.Pattern MAGIC_LINK = java.util.regex.Pattern.compile("[a-z_]+:\\[\\d+\\]");

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** "a FIFO (named pipe)", for messages. */
    public String description() {
        return description;
    }

    /** Written in place rather than replaced: /dev/null, a terminal, a FIFO a reader waits on. */
    public boolean isStream() {
        return this == CHARACTER_DEVICE || this == FIFO;
    }

    /** The kind of what {@code path} names, links followed. */
    public static FileKind of(Path path) throws IOException {
        Path p = followLinks(path);
        int mode;
        try {
            // after followLinks only a /proc magic link is still a link: ask what it opens
            mode = (Integer) (Files.isSymbolicLink(p) ? Files.getAttribute(p, "unix:mode")
                    : Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return MISSING;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return basic(p);
        }
        return switch (mode & S_IFMT) {
            case 0100000 -> REGULAR;
            case 0040000 -> DIRECTORY;
            case 0020000 -> CHARACTER_DEVICE;
            case 0010000 -> FIFO;
            case 0060000 -> BLOCK_DEVICE;
            case 0140000 -> SOCKET;
            default -> OTHER;
        };
    }

    /** Where the chain of symbolic links starting at {@code path} ends (which may not exist yet). */
    public static Path followLinks(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        for (int links = 0; links <= MAX_LINKS; links++) { // p is reached through `links` links
            if (!Files.isSymbolicLink(p)) {
                return p;
            }
            Path target = Files.readSymbolicLink(p);
            if (MAGIC_LINK.matcher(target.toString()).matches()) {
                return p; // /dev/stdout -> /proc/self/fd/1 -> "pipe:[123]": no path; the link itself opens the pipe
            }
            Path parent = p.getParent();
            p = (parent == null ? p : parent).resolve(target).normalize();
        }
        throw new IOException("too many levels of symbolic links");
    }

    private static FileKind basic(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return MISSING;
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return REGULAR;
        }
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY : OTHER;
    }
}
