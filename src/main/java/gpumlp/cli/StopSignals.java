// Turns SIGTERM and SIGINT into a request to stop after the current step (and write a checkpoint).
package gpumlp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Kubernetes and Slurm send SIGTERM before they preempt or time out a job, then SIGKILL after a
 * grace period. While installed, SIGTERM and SIGINT only set a flag that the trainer reads between
 * steps. More SIGTERMs are ignored (Slurm and Apptainer may each deliver one); a second SIGINT
 * (Ctrl-C pressed again by a person who does not want to wait) ends the process at once with exit
 * code 130. Closing restores the previous handlers.
 */
final class StopSignals implements AutoCloseable {
    private final AtomicReference<String> received = new AtomicReference<>();
    private final AtomicInteger interrupts = new AtomicInteger();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** Installs the handlers; {@code notice} hears the first signal's name (from the signal thread). */
    static StopSignals install(Consumer<String> notice) {
        StopSignals s = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            try {
                s.previous.add(Signal.handle(signal, sig -> {
                    boolean first = s.received.compareAndSet(null, "SIG" + sig.getName());
                    if (sig.getName().equals("INT") && s.interrupts.incrementAndGet() > 1) {
                        Runtime.getRuntime().halt(128 + sig.getNumber()); // Ctrl-C twice: stop now
                    }
                    if (first) {
                        notice.accept("SIG" + sig.getName());
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
