// A one-line progress bar on the terminal during an epoch: percentage, samples/s, running loss and accuracy.
package gpumlp.train;

import gpumlp.backend.EpochProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/** Redraws at most {@link #INTERVAL_NANOS} apart with a carriage return; {@link #clear} wipes the line. */
public final class ProgressBar implements EpochProgress {
    private static final long INTERVAL_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final String prefix;
    private final long total;
    private final LongSupplier clock;
    private final long startNanos;
    private long nextNanos; // the first step draws the bar, then every INTERVAL_NANOS
    private boolean drawn;

    public ProgressBar(PrintWriter out, String prefix, long total) {
        this(out, prefix, total, System::nanoTime);
    }

    /** clock: nanoseconds, as {@link System#nanoTime}. */
    ProgressBar(PrintWriter out, String prefix, long total, LongSupplier clock) {
        this.out = out;
        this.prefix = prefix;
        this.total = total;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.nextNanos = startNanos;
    }

    @Override
    public boolean due() {
        return clock.getAsLong() >= nextNanos;
    }

    @Override
    public void update(long done, double lossSum, long correct) {
        long now = clock.getAsLong();
        nextNanos = now + INTERVAL_NANOS;
        drawn = true;
        double seconds = (now - startNanos) / 1e9;
        int filled = (int) (WIDTH * done / Math.max(1, total));
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        out.print(String.format(Locale.ROOT, "\r%s [%s] %3d%%  %,d/%,d  %,.0f samples/s  loss %.4f  acc %.2f%%  ",
                prefix, bar, 100 * done / Math.max(1, total), done, total, done / Math.max(seconds, 1e-9),
                lossSum / Math.max(1, done), 100.0 * correct / Math.max(1, done)));
        out.flush();
    }

    /** Erases the bar so the epoch's summary line starts clean. */
    public void clear() {
        if (!drawn) {
            return;
        }
        out.print("\r" + " ".repeat(prefix.length() + WIDTH + 100) + "\r");
        out.flush();
    }
}
