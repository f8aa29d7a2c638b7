// Turns SIGTERM, SIGINT and SIGHUP into a request to stop after the current step (and write a checkpoint).
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
 * grace period. While installed, SIGTERM, SIGINT and SIGHUP (the terminal of an ssh session went
 * away; a run under nohup keeps ignoring it, as the JVM leaves an ignored SIGHUP alone) only set a
 * flag that the trainer reads between steps. More SIGTERMs are ignored (Slurm and Apptainer may each deliver one); a second SIGINT
 * (Ctrl-C pressed again by a person who does not want to wait) ends the process at once with exit
 * code 130. Closing restores the previous handlers.
 */
final class StopSignals implements AutoCloseable {
    /** The signals that ask a run to stop gracefully, by name without "SIG". */
    static final List<String> STOP_SIGNALS = List.of("TERM", "INT", "HUP");

    private final AtomicReference<String> received = new AtomicReference<>();
    private final AtomicInteger interrupts = new AtomicInteger();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** A signal that arrived before the command knew what to do with it (see {@link #early()}), or null. */
    private static final AtomicReference<String> EARLY = new AtomicReference<>();
    private static final List<Signal> EARLY_SIGNALS = new ArrayList<>();
    private static final List<SignalHandler> DEFAULTS = new ArrayList<>();

    /**
     * Called first thing in main: until the command is known, the stop signals are only recorded,
     * so a signal during start-up neither kills a run that would have stopped with a checkpoint nor
     * gets lost. {@link #install} then takes the recorded signal over; any other command calls
     * {@link #releaseEarly}, which restores the defaults and delivers it again.
     */
    static synchronized void early() {
        for (String name : STOP_SIGNALS) {
            Signal signal = new Signal(name);
            try {
                DEFAULTS.add(Signal.handle(signal, sig -> {
                    if (!EARLY.compareAndSet(null, sig.getName()) && sig.getName().equals("INT")) {
                        Runtime.getRuntime().halt(128 + sig.getNumber()); // Ctrl-C twice: stop now
                    }
                }));
                EARLY_SIGNALS.add(signal);
            } catch (IllegalArgumentException e) {
                // reserved by the JVM here (e.g. -Xrs)
            }
        }
    }

    /** True while a signal recorded by the {@link #early} handlers waits to be taken over (for tests). */
    static boolean earlySignalPending() {
        return EARLY.get() != null;
    }

    /** For commands that do not stop gracefully: the default handlers again, and a recorded signal delivered now. */
    static synchronized void releaseEarly() {
        for (int i = 0; i < EARLY_SIGNALS.size(); i++) {
            Signal.handle(EARLY_SIGNALS.get(i), DEFAULTS.get(i));
        }
        EARLY_SIGNALS.clear();
        DEFAULTS.clear();
        String pending = EARLY.getAndSet(null);
        if (pending != null) {
            Signal.raise(new Signal(pending));
        }
    }

    /** Installs the handlers; {@code notice} hears the first signal's name (from the signal thread). */
    static StopSignals install(Consumer<String> notice) {
        StopSignals s = new StopSignals();
        String pending = EARLY.getAndSet(null);
        if (pending != null) {
            s.received.set("SIG" + pending);
            notice.accept("SIG" + pending);
        }
        for (String name : STOP_SIGNALS) {
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
