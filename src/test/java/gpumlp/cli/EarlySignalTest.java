// A SIGTERM that arrives while the command line is still being read is kept for the training run to act on.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

class EarlySignalTest {
    @Test
    void aSignalBeforeTheCommandIsKnownIsHandedToTheStopHandlers() throws InterruptedException {
        StopSignals.early();
        List<String> notices = new ArrayList<>();
        try {
            Signal.raise(new Signal("TERM")); // caught by the early handler: this JVM does not end
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // signals are delivered on their own thread: wait until the early handler has recorded it
            while (!StopSignals.earlySignalPending() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(StopSignals.earlySignalPending(), "the early handler never saw the SIGTERM");
            StopSignals s = StopSignals.install(notices::add); // takes the recorded signal over at once
            assertTrue(s.requested(), "the early SIGTERM was lost");
            assertEquals("SIGTERM", s.which());
            assertEquals(List.of("SIGTERM"), notices);
            s.close();
        } finally {
            StopSignals.releaseEarly(); // nothing pending any more: only the default handlers come back
        }
    }

    /** SIGHUP (an ssh session dropped) stops a run with a checkpoint as SIGTERM does, instead of killing it. */
    @Test
    void aHangupAsksTheRunToStop() throws InterruptedException {
        List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        StopSignals s = StopSignals.install(notices::add);
        try {
            Signal.raise(new Signal("HUP")); // caught: this JVM does not end
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!s.requested() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("SIGHUP", s.which());
            assertEquals(List.of("SIGHUP"), notices);
        } finally {
            s.close();
        }
    }
}
