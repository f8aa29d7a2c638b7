// Turns SIGTERM and SIGINT into a request to stop after the current step (and write a checkpoint).
package gpumlp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Kubernetes and Slurm send SIGTERM before they preempt or time out a job, then SIGKILL after a
 * grace period. While installed, the first SIGTERM or SIGINT only sets a flag that the trainer reads
 * between steps; a second one ends the process at once (exit code 128 + signal number), for a
 * person who does not want to wait. Closing restores the previous handlers.
 */
final class StopSignals implements AutoCloseable {
    private final AtomicReference<String> received = new AtomicReference<>();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** Installs the handlers; {@code notice} hears the first signal's name (from the signal thread). */
    static StopSignals install(Consumer<String> notice) {
        StopSignals s = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            try {
                s.previous.add(Signal.handle(signal, sig -> {
                    if (s.received.compareAndSet(null, "SIG" + sig.getName())) {
                        notice.accept("SIG" + sig.getName());
                    } else {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                }));
                s.signals.add(signal);
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal here (e.g. -Xrs): training then simply cannot be stopped gracefully by it
            }
        }
        return s;
    }

    /** True once a signal has arrived. */
    boolean requested() {
        return received.get() != null;
    }

    /** The signal that arrived, e.g. "SIGTERM", or null. */
    String which() {
        return received.get();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
