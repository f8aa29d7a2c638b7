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

    /**
     * Where the chain of symbolic links starting at {@code path} ends (which may not exist yet). The
     * path is resolved as the kernel does, one name at a time: {@code lnk/..} is the directory above
     * the link's target, not the one holding the link. Only the names below the first missing one are
     * normalized as text (those directories will be created).
     */
    public static Path followLinks(Path path) throws IOException {
        return resolve(path).path();
    }

    /**
     * True when resolving {@code path} reaches a missing name that a symbolic link spelled (a link to
     * /missing/dir/x, or lnk/x with lnk pointing nowhere): an output's missing directories are created
     * only where the user named them, never where a link points.
     */
    public static boolean missingBehindLink(Path path) throws IOException {
        return resolve(path).missingBehindLink();
    }

    private record Resolved(Path path, boolean missingBehindLink) {}

    /** A name still to resolve, and whether a link's target spelled it. */
    private record Name(String name, boolean fromLink) {}

    private static Resolved resolve(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        Path p = abs.getRoot();
        java.util.Deque<Name> todo = new java.util.ArrayDeque<>();
        abs.forEach(n -> todo.addLast(new Name(n.toString(), false)));
        int links = 0;
        boolean missing = false; // below a missing name nothing exists, so no link is followed
        boolean missingBehindLink = false;
        while (!todo.isEmpty()) {
            Name n = todo.removeFirst();
            if (n.name().equals(".") || n.name().isEmpty()) {
                continue;
            }
            if (n.name().equals("..")) {
                p = p.getParent() == null ? p : p.getParent(); // p is a real directory (or missing text): its parent is the kernel's
                continue;
            }
            Path next = p.resolve(n.name());
            if (!missing && Files.isSymbolicLink(next)) {
                Path target = Files.readSymbolicLink(next);
                if (MAGIC_LINK.matcher(target.toString()).matches()) {
                    p = next; // /dev/stdout -> /proc/self/fd/1 -> "pipe:[123]": no path; the link itself opens the pipe
                    continue;
                }
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links");
                }
                java.util.List<Name> spelled = new java.util.ArrayList<>();
                target.forEach(t -> spelled.add(new Name(t.toString(), true)));
                for (int i = spelled.size() - 1; i >= 0; i--) {
                    todo.addFirst(spelled.get(i));
                }
                if (target.isAbsolute()) {
                    p = target.getRoot();
                }
                continue;
            }
            if (!missing && !Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                missing = true;
                missingBehindLink = n.fromLink();
            }
            p = next;
        }
        return new Resolved(p, missingBehindLink);
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
