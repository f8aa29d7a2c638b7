// A run of kernel launches and cuBLAS calls captured once from the stream and replayed with one launch.
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

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

    /** Records what {@code body} issues on the context's stream (and nothing else) as a graph. */
    public static CudaGraph capture(CudaContext ctx, Runnable body) {
        cuStreamBeginCapture(ctx.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        CUgraph graph = new CUgraph();
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            try {
                cuStreamEndCapture(ctx.stream(), graph); // ends the (invalidated) capture before rethrowing
                cuGraphDestroy(graph);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        cuStreamEndCapture(ctx.stream(), graph);
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, graph, 0);
        } catch (RuntimeException e) {
            cuGraphDestroy(graph);
            throw e;
        }
        return new CudaGraph(ctx, graph, exec);
    }

    /** Enqueues one replay on the stream. */
    public void launch() {
        cuGraphLaunch(exec, ctx.stream());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuGraphExecDestroy(exec);
            cuGraphDestroy(graph);
        }
    }
}
