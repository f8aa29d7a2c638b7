// Test helper: makes FIFOs and device nodes in a temp directory, or skips the test where this machine cannot.
package gpumlp.util;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

public final class SpecialFiles {
    private SpecialFiles() {
    }

    /** A named pipe at {@code path} (mkfifo). */
    public static Path fifo(Path path) {
        return make(path, "mkfifo", path.toString());
    }

    /** A character device at {@code path} with the numbers of /dev/null (1, 3): needs root (mknod). */
    public static Path nullDevice(Path path) {
        return make(path, "mknod", path.toString(), "c", "1", "3");
    }

    private static Path make(Path path, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "cannot run " + String.join(" ", command)
                    + " here: " + new String(p.getInputStream().readAllBytes()));
        } catch (IOException e) {
            assumeTrue(false, "cannot run " + command[0] + " here: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            assumeTrue(false, "interrupted");
        }
        assumeTrue(Files.exists(path), command[0] + " made nothing at " + path);
        return path;
    }
}
