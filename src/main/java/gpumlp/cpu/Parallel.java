// Splits a loop over rows across a fixed pool of threads; each output row is written by exactly one thread.
package gpumlp.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * A loop splitter for the CPU backend. Work is divided by output rows only, and every row is
 * computed in the same order whatever the thread count, so results are bit-identical for 1 or N
 * threads.
 */
public final class Parallel implements AutoCloseable {
    /** The body of a loop over rows [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool; // null when single-threaded

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("gpu-mlp-cpu-" + t.getPoolIndex()); // a pool's workers are daemon threads already
            return t;
        }, null, false);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in up to {@code threads} contiguous chunks; chunks smaller than
     * {@code minChunk} rows are not split off (thread hand-over costs microseconds).
     */
    public void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, minChunk))); // 1: all on the caller
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            tasks[c - 1] = pool.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
