// Checks an input path before it is opened: a regular file of a sane size, never a FIFO or device that would block.
package gpumlp.util;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

public final class InputFiles {
    private InputFiles() {
    }

    /**
     * The size of {@code file}, after checking that it is a regular file (links followed) of at most
     * {@code maxBytes}; otherwise a UserError "WHAT FILE is a FIFO (named pipe), not a regular file ...".
     * Opening a FIFO waits for a writer and a device may never end, so neither is opened at all.
     */
    public static long regularFile(Path file, String what, long maxBytes) {
        String name = what + " " + file;
        try {
            FileKind kind = FileKind.of(file);
            switch (kind) {
                case REGULAR -> { }
                case MISSING -> throw new UserError(name + " does not exist");
                case DIRECTORY -> throw new UserError(name + " is a directory, not a file");
                default -> throw new UserError(name + " is " + kind.description()
                        + ", not a regular file (reading it could wait forever): copy the content into a file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new UserError(String.format(Locale.ROOT, "%s is %,d bytes, more than the %,d a %s may have",
                        name, size, maxBytes, what));
            }
            return size;
        } catch (IOException e) {
            throw new UserError("cannot read " + name + ": " + IoErrors.describe(e), e);
        }
    }

    /** As {@link #regularFile(Path, String, long)} without a size limit. */
    public static long regularFile(Path file, String what) {
        return regularFile(file, what, Long.MAX_VALUE);
    }
}
