// A run of kernel launches and cuBLAS calls captured once from the stream and replayed with one launch.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import gpumlp.util.Closer;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;

/**
 * Nothing runs during capture: the body's launches are recorded with their arguments (device
 * pointers and sizes). A replay therefore reads whatever those buffers hold at replay time, which is
 * how the step counter, the permutation and the learning rate change between replays.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaContext ctx;
    private final CUgraph graph;
    private final CUgraphExec exec;
    private boolean closed;

    private CudaGraph(CudaContext ctx, CUgraph graph, CUgraphExec exec) {
        this.ctx = ctx;
        this.graph = graph;
        this.exec = exec;
    }

    /**
     * Records what {@code body} issues on the context's stream (and nothing else) as a graph. A failure
     * in the body, in ending the capture or in instantiating the graph ends the capture (joining the
     * side stream first if the body forked to it) and frees what was made.
     */
    public static CudaGraph capture(CudaContext ctx, Runnable body) {
        FaultInjection.point("cuStreamBeginCapture");
        cuStreamBeginCapture(ctx.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        CUgraph graph = new CUgraph();
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            abandon(ctx, graph, e);
            throw e;
        }
        cuStreamEndCapture(ctx.stream(), graph);
        try (Closer undo = new Closer()) {
            undo.register(() -> cuGraphDestroy(graph));
            FaultInjection.point("cuStreamEndCapture"); // after the call: a failure there still ends the capture
            CUgraphExec exec = new CUgraphExec();
            FaultInjection.point("cuGraphInstantiate");
            cuGraphInstantiate(exec, graph, 0);
            undo.handOver();
            return new CudaGraph(ctx, graph, exec);
        }
    }

    /**
     * Ends a capture whose body failed, before the failure {@code e} is rethrown: the side stream joined
     * back, the capture ended (a real CUDA error has invalidated it, and ending it then fails with no
     * graph made) and the graph made freed; failures of these steps are suppressed into {@code e}.
     */
    private static void abandon(CudaContext ctx, CUgraph graph, Throwable e) {
        try {
            ctx.joinSideIfForked();
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        try {
            cuStreamEndCapture(ctx.stream(), graph);
            cuGraphDestroy(graph);
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    /** Enqueues one replay on the stream. */
    public void launch() {
        FaultInjection.point("cuGraphLaunch");
        cuGraphLaunch(exec, ctx.stream());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try (Closer c = new Closer()) { // the executable graph first, then the graph, even when the first fails
                c.register(() -> cuGraphDestroy(graph));
                c.register(() -> cuGraphExecDestroy(exec));
            }
        }
    }
}
