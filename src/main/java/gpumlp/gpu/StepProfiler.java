// Times each operation of eager training steps on the GPU with CUDA events, for `bench --profile`.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import gpumlp.util.Closer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * An event is recorded on the stream before a step and after each of its operations; once the
 * step is done, the time between consecutive events is added to that operation's total. When the
 * GPU is the bottleneck the events measure GPU time alone; for tiny kernels the host's launch
 * time shows too. Only used in eager mode (events cannot be read inside a replayed graph).
 */
final class StepProfiler implements AutoCloseable {
    private final CudaContext ctx;
    private final List<CUevent> events = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Map<String, double[]> totals = new LinkedHashMap<>(); // name -> {milliseconds, count}
    private int steps;
    private boolean inStep;

    StepProfiler(CudaContext ctx) {
        this.ctx = ctx;
    }

    private CUevent event(int i) {
        while (events.size() <= i) {
            CUevent e = new CUevent();
            FaultInjection.point("cuEventCreate");
            cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT);
            events.add(e);
        }
        return events.get(i);
    }

    /** Starts a step. */
    void begin() {
        names.clear();
        inStep = true;
        cuEventRecord(event(0), ctx.stream());
    }

    /** Marks the end of the operation just enqueued (ignored outside a step, e.g. in evaluation). */
    void mark(String name) {
        if (!inStep) {
            return;
        }
        names.add(name);
        cuEventRecord(event(names.size()), ctx.stream());
    }

    /** Waits for the step and adds its operations' times. */
    void end() {
        inStep = false;
        cuEventSynchronize(event(names.size()));
        float[] ms = new float[1];
        for (int i = 0; i < names.size(); i++) {
            cuEventElapsedTime(ms, event(i), event(i + 1));
            double[] t = totals.computeIfAbsent(names.get(i), k -> new double[2]);
            t[0] += ms[0];
            t[1]++;
        }
        steps++;
    }

    /** Forgets the times so far (the backend calls it at the start of each epoch: the report covers the last). */
    void reset() {
        totals.clear();
        steps = 0;
    }

    /** One line per operation: mean microseconds per step and share of the step; then clears the totals. */
    List<String> reportAndReset() {
        List<String> lines = new ArrayList<>();
        double all = 0;
        for (double[] t : totals.values()) {
            all += t[0];
        }
        lines.add(String.format(Locale.ROOT, "%-28s %12s %7s", "operation (" + steps + " steps)", "us per step", "share"));
        for (Map.Entry<String, double[]> e : totals.entrySet()) {
            double[] t = e.getValue();
            lines.add(String.format(Locale.ROOT, "%-28s %12.1f %6.1f%%", e.getKey(), 1000 * t[0] / steps, 100 * t[0] / all));
        }
        lines.add(String.format(Locale.ROOT, "%-28s %12.1f", "step", 1000 * all / Math.max(1, steps)));
        reset();
        return lines;
    }

    @Override
    public void close() {
        try (Closer c = new Closer()) { // every event, newest first, even when destroying one fails
            for (CUevent e : events) {
                c.register(() -> cuEventDestroy(e));
            }
            events.clear();
        }
    }
}
