// Turns an IOException into a short, human-readable reason ("no space left on device", "permission denied").
package gpumlp.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

public final class IoErrors {
    private IoErrors() {
    }

    /** The reason part of an error message, without repeating the path the caller already names. */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied" + other(a);
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory" + other(n);
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "a file is in the way (" + f.getFile() + ")";
        }
        if (e instanceof NotDirectoryException n) {
            return "not a directory (" + n.getFile() + ")";
        }
        if (e instanceof DirectoryNotEmptyException d) {
            return "directory not empty (" + d.getFile() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + other(fs);
        }
        if (e instanceof java.io.FileNotFoundException && e.getMessage() != null) {
            // java.io's "path (Permission denied)": the reason, without the path the caller already names
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(".* \\((.+)\\)$").matcher(e.getMessage());
            if (m.matches()) {
                return m.group(1).substring(0, 1).toLowerCase(java.util.Locale.ROOT) + m.group(1).substring(1);
            }
        }
        if (e instanceof java.io.EOFException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "unexpected end of file";
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    private static String other(FileSystemException e) {
        return e.getFile() == null ? "" : " (" + e.getFile() + ")";
    }
}
