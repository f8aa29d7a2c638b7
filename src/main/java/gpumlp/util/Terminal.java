// Whether standard error is a terminal, on every JDK: System.console() tests standard input and output, and changed in JDK 22.
package gpumlp.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Java has no isatty(). On Linux, /proc/self/fd/2 links to the terminal device (/dev/pts/N,
 * /dev/ttyN, /dev/console) when standard error is one, and to a pipe, socket or file otherwise.
 * Elsewhere, {@code sh -c 'test -t 2'} is asked, with our standard error as its own. Where neither
 * works (Windows), the answer is no.
 */
public final class Terminal {
    private Terminal() {}

    /** True when this process's standard error (file descriptor 2) is a terminal. */
    public static boolean stderrIsTerminal() {
        return stderrIsTerminal(Path.of("/proc/self/fd/2"));
    }

    /** As {@link #stderrIsTerminal()}, with {@code fd} the link Linux keeps for descriptor 2. */
    static boolean stderrIsTerminal(Path fd) {
        if (Files.isSymbolicLink(fd)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd).toString());
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "test -t 2").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A device path that is a terminal: a pseudo-terminal, a virtual console or serial line, the console. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
