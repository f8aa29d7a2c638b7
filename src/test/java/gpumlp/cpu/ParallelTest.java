// The CPU loop splitter: every row once, small loops kept on the caller, named daemon workers that close() ends.
package gpumlp.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** One call of the body: its range and the thread it ran on. */
    private record Call(int from, int to, Thread thread) {
    }

    private static List<Call> calls(Parallel par, int n, int minChunk) {
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        par.forRange(n, minChunk, (from, to) -> calls.add(new Call(from, to, Thread.currentThread())));
        List<Call> sorted = new ArrayList<>(calls);
        sorted.sort((a, b) -> Integer.compare(a.from(), b.from()));
        return sorted;
    }

    @Test
    void everyRowIsDoneExactlyOnceWhateverTheThreadCount() {
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel par = new Parallel(threads)) {
                assertEquals(threads, par.threads());
                for (int n = 0; n <= 40; n++) {
                    for (int minChunk : new int[] {0, 1, 3, 8}) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(n);
                        par.forRange(n, minChunk, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                seen.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(1, seen.get(i), "row " + i + " of " + n + ", " + threads + " threads, chunks of "
                                    + minChunk);
                        }
                    }
                }
            }
        }
    }

    /** The rows are split into contiguous, nearly equal chunks, and the caller does the first itself. */
    @Test
    void rowsAreSplitIntoContiguousEqualChunksOnePerThread() {
        try (Parallel par = new Parallel(3)) {
            List<Call> c = calls(par, 30, 1);
            assertEquals(List.of(0, 10, 20), c.stream().map(Call::from).toList());
            assertEquals(List.of(10, 20, 30), c.stream().map(Call::to).toList());
            assertEquals(Thread.currentThread(), c.get(0).thread());
            for (Call worker : c.subList(1, 3)) {
                assertTrue(worker.thread().getName().startsWith("gpu-mlp-cpu-"), worker.thread().getName());
                assertTrue(worker.thread().isDaemon(), "a worker never keeps the JVM alive");
            }
            assertEquals(List.of(0, 3, 6), calls(par, 10, 1).stream().map(Call::from).toList());
        }
    }

    /** A hand-over costs more than a few rows: chunks below minChunk rows are not split off. */
    @Test
    void smallLoopsStayOnTheCallingThread() {
        try (Parallel par = new Parallel(4)) {
            List<Call> one = calls(par, 15, 8);
            assertEquals(1, one.size());
            assertEquals(new Call(0, 15, Thread.currentThread()), one.get(0));
            assertEquals(2, calls(par, 16, 8).size());
            assertEquals(4, calls(par, 1000, 8).size(), "never more chunks than threads");
        }
        try (Parallel single = new Parallel(1)) {
            assertEquals(List.of(new Call(0, 1000, Thread.currentThread())), calls(single, 1000, 1));
        }
    }

    /** forRange returns only when every chunk is done, also when the caller's own chunk is the quickest. */
    @Test
    void forRangeWaitsForTheWorkers() {
        try (Parallel par = new Parallel(4)) {
            for (int round = 0; round < 20; round++) {
                AtomicIntegerArray done = new AtomicIntegerArray(4);
                par.forRange(4000, 1, (from, to) -> {
                    if (from > 0) {
                        double x = 0;
                        for (int i = 0; i < 200_000; i++) {
                            x += Math.sqrt(i + from);
                        }
                        done.set(from / 1000, x > 0 ? 1 : 2);
                    } else {
                        done.set(0, 1);
                    }
                });
                for (int c = 0; c < 4; c++) {
                    assertEquals(1, done.get(c), "chunk " + c + " of round " + round);
                }
            }
        }
    }

    @Test
    void closeEndsTheWorkerThreads() throws InterruptedException {
        Parallel par = new Parallel(3);
        List<Call> c = calls(par, 300, 1);
        par.close();
        for (Call worker : c.subList(1, c.size())) {
            worker.thread().join(10_000);
            assertFalse(worker.thread().isAlive(), worker.thread().getName() + " still runs after close()");
        }
        new Parallel(1).close(); // nothing to end
    }

    @Test
    void atLeastOneThread() {
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }
}
