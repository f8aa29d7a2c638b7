// Whether standard error is a terminal decides the progress bar: terminal devices by name, and the same answer without /proc.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void terminalDevicesAreKnownByTheirNames() {
        for (String t : new String[] {"/dev/pts/3", "/dev/tty1", "/dev/ttyS0", "/dev/tty", "/dev/console"}) {
            assertTrue(Terminal.isTerminalDevice(t), t);
        }
        for (String t : new String[] {"pipe:[4213]", "socket:[99]", "/dev/null", "/tmp/log.txt", "/dev/consoles"}) {
            assertFalse(Terminal.isTerminalDevice(t), t);
        }
    }

    /** The test runner gives this JVM's standard error a pipe or file; /proc's link and the shell's test -t agree. */
    @Test
    void theAnswerFollowsWhereStandardErrorGoes() throws IOException {
        Path fd2 = Path.of("/proc/self/fd/2");
        assumeTrue(Files.isSymbolicLink(fd2), "needs Linux's /proc");
        boolean viaProc = Terminal.isTerminalDevice(Files.readSymbolicLink(fd2).toString());
        assertEquals(viaProc, Terminal.stderrIsTerminal());
        assertEquals(viaProc, Terminal.stderrIsTerminal(Path.of("/no/such/proc/fd/2")), "asked through sh -c 'test -t 2'");
    }

    /** On Linux the answer is where descriptor 2's link points: a terminal device or not. */
    @Test
    void theDescriptorLinkDecides(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path tty = Files.createSymbolicLink(dir.resolve("2"), Path.of("/dev/pts/5"));
        assertTrue(Terminal.stderrIsTerminal(tty));
        Path pipe = Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[4213]"));
        assertFalse(Terminal.stderrIsTerminal(pipe));
    }

    /** Asking the shell waits for it; an interrupt during the wait answers no and is kept for the caller. */
    @Test
    void anInterruptIsNotSwallowed() {
        Thread.currentThread().interrupt();
        try {
            assertFalse(Terminal.stderrIsTerminal(Path.of("/no/such/proc/fd/2")));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is restored");
        } finally {
            Thread.interrupted(); // clear it for the next test
        }
    }
}
