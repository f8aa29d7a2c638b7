// The GPU implementation of the Backend seam: data, weights and every training step stay on the device.
package gpumlp.gpu;

import static gpumlp.gpu.StepScalars.DECAY_FULL;
import static gpumlp.gpu.StepScalars.DECAY_SHRINK;
import static gpumlp.gpu.StepScalars.DECAY_TAIL;
import static gpumlp.gpu.StepScalars.DROPOUT;
import static gpumlp.gpu.StepScalars.ETA;
import static gpumlp.gpu.StepScalars.INPUT_DROPOUT;
import static gpumlp.gpu.StepScalars.INV_FULL;
import static gpumlp.gpu.StepScalars.INV_TAIL;
import static gpumlp.gpu.StepScalars.MAX_NORM;
import static gpumlp.gpu.StepScalars.MU;
import static gpumlp.gpu.StepScalars.NEG_RATE_FULL;
import static gpumlp.gpu.StepScalars.NEG_RATE_TAIL;
import static gpumlp.gpu.StepScalars.ONE;
import static gpumlp.gpu.StepScalars.ZERO;

import gpumlp.backend.Backend;
import gpumlp.backend.Deformation;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.InputShape;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import gpumlp.util.Closer;
import gpumlp.util.Philox;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcuda.Pointer;

/**
 * A training step is the CPU backend's, in the same order and with the same names: gather_batch
 * (and dropout of the input), then per layer linearForward (SGEMM) and relu_forward (and dropout),
 * softmax_xent, then per layer from the top linearBackward (SGEMM) and relu_backward (and dropout of
 * the deltas, the same mask) with the weights before the update, then per layer the update: (with
 * weight decay and no momentum, weight_decay on W first) outer_product_update for a batch of one, an
 * SGEMM with beta = 1 for a mini-batch, or an SGEMM into a gradient buffer (weight_decay on it) and
 * momentum_update; then max_norm on the hidden layers' W. The output layer's update runs on a second
 * stream, overlapping the rest of the backward pass, once its weights have been read for the last
 * time in the step; the step ends by joining the two streams.
 *
 * <p>The training set is uploaded once, as bytes. Each epoch uploads its permutation and resets a
 * step counter on the device; gather_batch reads the counter to find its batch, and softmax_xent
 * writes the batch's loss and correct count into per-step slots and advances the counter. Every
 * step of an epoch is therefore the same sequence of launches, which is captured once as a CUDA
 * graph of {@link #STEPS_PER_GRAPH} steps and replayed; nothing is copied between host and device
 * inside the epoch except when the progress display asks. The learning rate and its derived
 * scalars live in device memory ({@link StepScalars}), so a schedule does not need a new graph.
 *
 * <p>With deformations ({@link StepSettings#deformation()}), {@link DeviceDeform} replaces the gathered
 * inputs by the deformed images right after gather_batch, inside the graph, drawing with the epoch's
 * Philox key in device memory (as dropout); every input feature is then trained (ink may reach the dead ones).
 *
 * <p>W1's rows follow the {@link FeatureOrder} of the training set on the device; the training
 * products use only its live features, except with weight decay, which changes every row (dead
 * features' weights decay too, as on the CPU), so the updates then cover all of them; so they do
 * when the dead features' momentum may not be 0 (uploaded, or left by an epoch with weight decay or
 * deformations), which keeps moving their weights on the CPU as it decays. Input dropout
 * draws each column's mask as the feature it holds. The dropout key (seed and epoch) is in device
 * memory ({@link EpochBuffers#key}), the probabilities and factors in {@link StepScalars}.
 * w[l-1], v[l-1], g[l-1] are (d(l-1)+1) x d(l) row-major: weights, momentum state, gradient. Batch
 * buffers are described in {@link BatchBuffers}.
 */
public final class GpuBackend implements Backend {
    /** Rows per evaluation chunk, also the least batch capacity (evaluation then never reallocates). */
    static final int EVAL_ROWS = 4096;
    /** Training steps captured in one graph. */
    static final int STEPS_PER_GRAPH = 32;

    private final CudaContext ctx;
    private final Kernels kernels;
    private final Gemm gemm;
    private final Kernels sideKernels;   // the same kernels on the side stream
    private final Gemm sideGemm;         // cuBLAS on the side stream
    private final boolean useGraphs;
    private final DeviceBuffer scalars;     // StepScalars.SLOTS floats
    private final DeviceBuffer step;        // the step counter
    private final DeviceBuffer blocksDone;  // softmax_xent's count of finished blocks (0 between launches)
    private final StepProfiler profiler;    // null unless profiling
    private final Map<GraphKey, CudaGraph> graphs = new HashMap<>();
    /** Kinds of step (steps = 1) run once eagerly, so that their kernels are loaded before a capture. */
    private final Set<GraphKey> warmed = new HashSet<>();

    private int[] sizes;
    private DeviceBuffer[] w;
    private DeviceBuffer[] v;
    private DeviceBuffer[] g;

    private DeviceData train;
    private DeviceData evalData;
    private FeatureOrder features;   // null: the identity (no training set yet, or another input size)
    private DeviceBuffer featureOf;  // features.order() on the device

    private EpochBuffers epoch;
    private BatchBuffers batch;
    private DeviceDeform deform;      // deformation buffers, null until an epoch with deformations
    private boolean deforming;        // this epoch deforms (and so trains every input feature)
    private boolean deadMomentum;     // v's rows of dead features may be non-zero: the updates then cover them
    private boolean closed;

    /** What a captured graph depends on besides the buffers it points to (deformation NONE: none). */
    private record GraphKey(int batchSize, int rows, int steps, StepOps ops, Deformation deformation,
                            boolean deadMomentum) {}

    /** Which launches a step makes: the options that are on (their values are read from device memory). */
    private record StepOps(boolean momentum, boolean inputDropout, boolean dropout, boolean decay, boolean maxNorm) {
        static StepOps of(StepSettings s) {
            return new StepOps(s.momentum() > 0f, s.inputDropout() > 0f, s.dropout() > 0f, s.weightDecay() > 0f,
                    s.maxNorm() > 0f);
        }
    }

    private GpuBackend(CudaContext ctx, boolean tf32, boolean useGraphs, boolean profile) {
        this.ctx = ctx;
        // sync checks wait after every operation, which a graph capture does not allow: eager steps then
        this.useGraphs = useGraphs && !profile && !ctx.syncChecks();
        Kernels k;
        Gemm gm;
        Gemm side;
        DeviceBuffer sc;
        DeviceBuffer st;
        try (Closer undo = new Closer()) { // a failing step frees what the earlier ones made, newest first
            k = undo.register(new Kernels(ctx));
            gm = undo.register(new Gemm(ctx, tf32));
            side = undo.register(new Gemm(ctx, ctx.sideStream(), tf32));
            sc = undo.register(DeviceBuffer.floats(StepScalars.SLOTS, "scalars"));
            sc.upload(StepScalars.values(new StepSettings(1, 1f, 0f), 0)); // ONE and ZERO for evaluation
            st = undo.register(DeviceBuffer.ints(1, "the step counter"));
            this.blocksDone = undo.register(DeviceBuffer.ints(1, "the softmax_xent block counter"));
            this.blocksDone.clear();
            undo.handOver();
        }
        this.kernels = k;
        this.gemm = gm;
        this.sideKernels = k.on(ctx.sideStream());
        this.sideGemm = side;
        this.scalars = sc;
        this.step = st;
        this.profiler = profile ? new StepProfiler(ctx) : null;
    }

    /**
     * Opens gpu:{@code index}: context, kernels compiled for it, cuBLAS. Throws
     * {@link GpuUnavailableException} (a user error with the reason) when the GPU cannot be used.
     */
    public static GpuBackend open(int index, boolean tf32, boolean useGraphs) {
        return open(index, tf32, useGraphs, false);
    }

    /**
     * As {@link #open(int, boolean, boolean)}; {@code profile} runs the steps eagerly and times every
     * operation (see {@link #profileReport()}).
     */
    public static GpuBackend open(int index, boolean tf32, boolean useGraphs, boolean profile) {
        return open(index, tf32, useGraphs, profile, SyncChecks.requested(System.getenv()));
    }

    /** As {@link #open(int, boolean, boolean, boolean)}; {@code syncChecks} as GPU_MLP_CUDA_SYNC sets them. */
    static GpuBackend open(int index, boolean tf32, boolean useGraphs, boolean profile, boolean syncChecks) {
        try (Closer undo = new Closer()) {
            CudaContext ctx = undo.register(CudaContext.open(index, syncChecks));
            GpuBackend backend = undo.register(new GpuBackend(ctx, tf32, useGraphs, profile)); // closes ctx too
            backend.startupCheck();
            undo.handOver();
            return backend;
        }
    }

    /**
     * One 1 x 1 product on each cuBLAS handle and one kernel launch, waited for and checked: a GPU that
     * opens but cannot run them (no kernel image for it, a failing lazy load, a broken library) fails
     * here, while opening, where --device auto still chooses the CPU; not at the first training step.
     */
    private void startupCheck() {
        float[] got = new float[2];
        try (DeviceBuffer s = DeviceBuffer.floats(2, "the start-up check")) {
            // S = [1] W with W = [1] and no inputs but the bias unit: S = 1 on each stream, then softmax([1, 1])
            gemm.linearForward(scalar(ONE), 1, 1, 0, scalar(ONE), 1, s.at(0), 1, scalar(ONE), scalar(ZERO));
            ctx.forkToSide();
            sideGemm.linearForward(scalar(ONE), 1, 1, 0, scalar(ONE), 1, s.at(1), 1, scalar(ONE), scalar(ZERO));
            ctx.joinSide();
            kernels.softmax(s, 1, 2);
            ctx.synchronize();
            s.download(got);
        }
        if (got[0] != 0.5f || got[1] != 0.5f) {
            throw new GpuUnavailableException("the GPU computed a wrong result in its start-up check (softmax of two "
                    + "1 x 1 products: " + got[0] + ", " + got[1] + " instead of 0.5, 0.5): check the CUDA installation "
                    + "with doctor");
        }
    }

    @Override
    public String description() {
        String mode = useGraphs ? "CUDA graphs" : profiler != null ? "eager, profiled"
                : ctx.syncChecks() ? "eager, " + SyncChecks.VARIABLE + ": synchronised after every operation" : "eager";
        return "gpu:" + ctx.index() + " " + ctx.name() + " (" + kernels.target().split(" ")[0] + ", "
                + (gemm.tf32() ? "TF32" : "FP32") + ", " + mode + ")";
    }

    /** The loaded cuBLAS version. */
    public String cublasVersion() {
        return gemm.version();
    }

    /** What the kernels were compiled to, e.g. "sm_90 CUBIN". */
    public String kernelTarget() {
        return kernels.target();
    }

    /** NVRTC's warnings from compiling the kernels, one "file: line" each (usually none), for a debug log. */
    public List<String> compileLog() {
        return kernels.compileLog();
    }

    @Override
    public void uploadTrainingSet(Dataset data) {
        ctx.makeCurrent();
        ctx.synchronize();
        closeGraphs();
        if (train != null) {
            train.close();
            train = null;
        }
        if (w != null && sizes[0] != data.features()) {
            freeModelBuffers(); // weights for another input size: uploadWeights must come next
            sizes = null;
        }
        // weights already here change their row order with the feature order (momentum too)
        Network current = w != null ? readWeights() : null;
        float[] velocity = v != null ? toModelOrder(readFloats(v[0])) : null;
        setFeatureOrder(FeatureOrder.liveFirst(data));
        deadMomentum = velocity != null && features.deadRowsNonZero(velocity, sizes[1]);
        train = DeviceData.upload(data);
        if (current != null) {
            writeWeights(current);
            if (velocity != null) {
                v[0].upload(toDeviceOrder(velocity));
            }
        }
    }

    private void setFeatureOrder(FeatureOrder order) {
        Closer.closeAll(featureOf);
        featureOf = null;
        features = order;
        if (order != null) {
            featureOf = DeviceBuffer.ints(order.features(), "the feature order");
            featureOf.upload(order.order());
        }
    }

    private float[] toModelOrder(float[] w1) {
        return features == null ? w1 : features.toModel(w1, sizes[1]);
    }

    private float[] toDeviceOrder(float[] w1) {
        return features == null ? w1 : features.toDevice(w1, sizes[1]);
    }

    @Override
    public void uploadWeights(Network network) {
        ctx.makeCurrent();
        ctx.synchronize();
        writeWeights(network);
        if (v != null) {
            for (DeviceBuffer vl : v) {
                vl.clear();
            }
        }
        deadMomentum = false;
    }

    /** Copies the weights to the device (W1's rows in device order), keeping the momentum state. */
    private void writeWeights(Network network) {
        if (sizes == null || !Arrays.equals(sizes, network.sizes())) {
            freeModelBuffers();
            sizes = null;
            int[] s = network.sizes();
            DeviceBuffer[] wl = new DeviceBuffer[s.length - 1];
            try (Closer undo = new Closer()) { // a failed allocation frees the earlier ones and leaves no weights
                for (int l = 1; l < s.length; l++) {
                    wl[l - 1] = undo.register(DeviceBuffer.floats(network.weights(l).length, "W" + l));
                }
                undo.handOver();
            }
            sizes = s;
            w = wl;
        }
        if (features != null && features.features() != sizes[0]) {
            setFeatureOrder(null); // another input size than the training set's: no reordering
        }
        for (int l = 1; l <= layers(); l++) {
            w[l - 1].upload(l == 1 ? toDeviceOrder(network.weights(1)) : network.weights(l));
        }
    }

    @Override
    public Network readWeights() {
        requireWeights();
        ctx.makeCurrent();
        ctx.synchronize();
        Network net = Network.zeros(sizes);
        float[] w1 = toModelOrder(readFloats(w[0]));
        System.arraycopy(w1, 0, net.weights(1), 0, w1.length);
        for (int l = 2; l <= layers(); l++) {
            w[l - 1].download(net.weights(l));
        }
        return net;
    }

    @Override
    public float[][] readMomentum() {
        requireWeights();
        if (v == null) {
            return null;
        }
        ctx.makeCurrent();
        ctx.synchronize();
        float[][] out = new float[layers()][];
        for (int l = 1; l <= layers(); l++) {
            out[l - 1] = l == 1 ? toModelOrder(readFloats(v[0])) : readFloats(v[l - 1]);
        }
        return out;
    }

    @Override
    public void uploadMomentum(float[][] velocity) {
        requireWeights();
        ctx.makeCurrent();
        ensureMomentumBuffers();
        ctx.synchronize();
        for (int l = 1; l <= layers(); l++) {
            v[l - 1].upload(l == 1 ? toDeviceOrder(velocity[0]) : velocity[l - 1]);
        }
        deadMomentum = features != null && features.deadRowsNonZero(velocity[0], sizes[1]);
    }

    @Override
    public EpochStats trainEpoch(int[] permutation, StepSettings s, EpochProgress progress) {
        requireWeights();
        if (train == null) {
            throw new IllegalStateException("uploadTrainingSet must be called before trainEpoch");
        }
        if (train.source().features() != sizes[0]) {
            throw new IllegalStateException("the network takes " + sizes[0] + " inputs but the data has "
                    + train.source().features() + " features");
        }
        ctx.makeCurrent();
        int n = permutation.length;
        if (n == 0) {
            return new EpochStats(0, 0, 0);
        }
        int b = s.batchSize();
        int full = n / b;
        int tail = n % b;
        int steps = full + (tail > 0 ? 1 : 0);
        StepOps ops = StepOps.of(s);
        ensureBatchCapacity(Math.min(b, n));
        ensureEpochBuffers(n, steps);
        if (ops.momentum()) {
            ensureMomentumBuffers();
        }
        deforming = s.deformation().enabled();
        if (deforming) {
            ensureDeform(s, Math.min(b, n));
        }
        if (ops.momentum() && (deforming || ops.decay())) {
            deadMomentum = true; // this epoch's updates reach the dead features' momentum
        }
        ctx.synchronize(); // the previous epoch's staged bytes are no longer in use
        epoch.stage(ctx, permutation, step, StepScalars.values(s, tail), scalars, s.seed(), s.epoch());
        if (profiler != null) {
            profiler.reset(); // report the last epoch: the first one pays for loading cuBLAS's kernels
        }
        int done = 0; // steps enqueued
        if (useGraphs) {
            int k = Math.min(STEPS_PER_GRAPH, full);
            while (k > 1 && full - done >= k) {
                done += replay(b, b, k, ops);
                report(progress, done, b, n);
                if (progress.stopRequested() && done < steps) {
                    return epoch.finish(ctx, done * b, done);
                }
            }
            while (done < full) {
                done += replay(b, b, 1, ops);
                report(progress, done, b, n);
                if (progress.stopRequested() && done < steps) {
                    return epoch.finish(ctx, done * b, done);
                }
            }
            if (tail > 0) {
                replay(b, tail, 1, ops);
            }
        } else {
            while (done < full) {
                eagerStep(b, b, ops);
                done++;
                report(progress, done, b, n);
                if (progress.stopRequested() && done < steps) {
                    return epoch.finish(ctx, done * b, done);
                }
            }
            if (tail > 0) {
                eagerStep(b, tail, ops);
            }
        }
        return epoch.finish(ctx, n, steps);
    }

    /** Reads the running totals when the progress display asks (this waits for the GPU). */
    private void report(EpochProgress progress, int stepsDone, int b, int n) {
        long samples = Math.min((long) stepsDone * b, n);
        if (progress.due(samples)) {
            EpochStats sofar = epoch.sofar(ctx, samples, stepsDone);
            progress.update(sofar.samples(), sofar.lossSum(), sofar.correct());
        }
    }

    /**
     * Enqueues {@code steps} steps of {@code rows} rows as one graph replay and returns {@code steps}; but
     * the first time this kind of step comes, one step runs eagerly instead and 1 is returned. Its first
     * use loads cuBLAS's kernels (lazily, by default since CUDA 12.2), which drivers older than CUDA 12.3
     * cannot do inside a capture; eager and captured steps compute the same.
     */
    private int replay(int b, int rows, int steps, StepOps ops) {
        if (warmed.add(key(b, rows, 1, ops))) {
            trainStep(b, rows, ops);
            return 1;
        }
        graph(b, rows, steps, ops).launch();
        return steps;
    }

    private GraphKey key(int b, int rows, int steps, StepOps ops) {
        return new GraphKey(b, rows, steps, ops, deforming ? deform.settings : Deformation.NONE, deadMomentum);
    }

    private CudaGraph graph(int b, int rows, int steps, StepOps ops) {
        GraphKey key = key(b, rows, steps, ops);
        CudaGraph graph = graphs.get(key);
        if (graph == null) {
            graph = CudaGraph.capture(ctx, () -> {
                for (int i = 0; i < steps; i++) {
                    trainStep(b, rows, ops);
                }
            });
            graphs.put(key, graph);
        }
        return graph;
    }

    private void eagerStep(int b, int rows, StepOps ops) {
        if (profiler != null) {
            profiler.begin();
        }
        trainStep(b, rows, ops);
        if (profiler != null) {
            profiler.end();
        }
    }

    /** Ends an operation for the profiler (a no-op unless profiling). */
    private void mark(String operation) {
        if (profiler != null) {
            profiler.mark(operation);
        }
    }

    @Override
    public List<String> profileReport() {
        return profiler == null ? List.of() : profiler.reportAndReset();
    }

    /** One SGD step on the batch the step counter points at; `rows` is the batch size b, or fewer for the last one. */
    private void trainStep(int b, int rows, StepOps ops) {
        int L = layers();
        boolean full = rows == b;
        BatchBuffers bb = batch;
        // The output layer's update overlaps the rest of the backward pass on the side stream (not when
        // profiling, which times one operation after the other, and not without a hidden layer, where
        // there is no rest: W1 is then updated on the main stream like any other layer).
        boolean overlap = profiler == null && L >= 2;
        kernels.gatherBatch(train.images(), sizes[0], epoch.order, step, b, 0, rows, train.labels(), featureOf,
                bb.act[0], bb.ld[0], bb.labels);
        mark("gather_batch");
        if (deforming) { // before input dropout, which drops pixels of the deformed image
            deform.enqueue(kernels, train, epoch.key, epoch.order, step, b, rows, featureOf, bb.act[0], bb.ld[0]);
            mark("deform");
        }
        if (ops.inputDropout()) { // every feature's column, in device order: column c holds feature featureOf[c]
            dropout(firstUnit(bb.act[0]), bb.ld[0], rows, 0, featureOf, b, 0, INPUT_DROPOUT);
        }
        forward(rows, trainedInputs(), ops.dropout() ? b : 0);
        kernels.softmaxXent(bb.pre[L], rows, sizes[L], bb.labels, step, epoch.lossPerStep, epoch.correctPerStep,
                bb.partialLoss, bb.partialCorrect, blocksDone);
        mark("softmax_xent");
        for (int l = L; l >= 2; l--) {
            gemm.linearBackward(bb.pre[l].pointer(), rows, sizes[l], w[l - 1].pointer(), sizes[l - 1],
                    bb.pre[l - 1].pointer(), scalar(ONE), scalar(ZERO));
            mark("linearBackward W" + l);
            if (l == L && overlap) { // W(L) has been read for the last time in this step: update it alongside
                ctx.forkToSide();
                update(L, rows, full, ops, sideKernels, sideGemm);
            }
            kernels.reluBackward(bb.pre[l - 1], sizes[l - 1], bb.act[l - 1], bb.ld[l - 1], rows, sizes[l - 1]);
            mark("relu_backward " + (l - 1));
            if (ops.dropout()) { // the forward pass's mask: softmax_xent advanced the step, so start = -b
                dropout(bb.pre[l - 1].pointer(), sizes[l - 1], rows, l - 1, null, b, -b, DROPOUT);
            }
        }
        for (int l = 1; l <= L; l++) {
            if (l < L || !overlap) {
                update(l, rows, full, ops, kernels, gemm);
            }
        }
        if (overlap) {
            ctx.joinSide();
        }
    }

    /**
     * Updates W(l) from delta(l) and act[l-1], launching on the stream of {@code k} and {@code gm}:
     * weight decay, the gradient step, then max-norm for a hidden layer's W.
     */
    private void update(int l, int rows, boolean fullBatch, StepOps ops, Kernels k, Gemm gm) {
        // dead features' rows have a zero gradient and are left out, unless weight decay changes them or
        // their momentum is not 0 (from uploadMomentum, or an epoch with decay or deformations): the CPU's
        // momentum then still moves them, v = mu v, w -= eta v, and so does the update over every row here
        boolean everyRow = ops.decay() || (ops.momentum() && deadMomentum);
        int dIn = l == 1 && !everyRow ? trainedInputs() : sizes[l - 1];
        int dOut = sizes[l];
        BatchBuffers bb = batch;
        boolean momentum = ops.momentum();
        if (ops.decay() && !momentum) {
            k.weightDecay(w[l - 1].pointer(), w[l - 1].pointer(), dIn, dOut, scalar(DECAY_SHRINK));
            mark("weight_decay W" + l);
        }
        if (rows == 1 && !momentum) {
            k.outerProductUpdate(w[l - 1].pointer(), bb.act[l - 1].pointer(), bb.pre[l].pointer(), dIn, dOut, scalar(ETA));
            mark("outer_product_update W" + l);
        } else if (!momentum) {
            gm.outerProductSum(bb.pre[l].pointer(), rows, dOut, bb.act[l - 1].pointer(), bb.ld[l - 1], dIn,
                    w[l - 1].pointer(), scalar(fullBatch ? NEG_RATE_FULL : NEG_RATE_TAIL), scalar(ONE));
            mark("sgdUpdate W" + l);
        } else {
            gm.outerProductSum(bb.pre[l].pointer(), rows, dOut, bb.act[l - 1].pointer(), bb.ld[l - 1], dIn,
                    g[l - 1].pointer(), scalar(ONE), scalar(ZERO));
            mark("gradient W" + l);
            if (ops.decay()) {
                k.weightDecay(g[l - 1].pointer(), w[l - 1].pointer(), dIn, dOut,
                        scalar(fullBatch ? DECAY_FULL : DECAY_TAIL));
                mark("weight_decay W" + l);
            }
            // only the rows the product wrote: a dead feature left out has momentum 0 and keeps its weights
            k.momentumUpdate(w[l - 1], v[l - 1], g[l - 1], (long) (dIn + 1) * dOut, scalar(MU), scalar(ETA),
                    scalar(fullBatch ? INV_FULL : INV_TAIL));
            mark("momentum_update W" + l);
        }
        if (ops.maxNorm() && l < layers()) { // every row of W1, dead features included: they are part of the norm
            k.maxNorm(w[l - 1].pointer(), sizes[l - 1], dOut, scalar(MAX_NORM));
            mark("max_norm W" + l);
        }
    }

    /**
     * Launches dropout on the main stream for the units of layer {@code layer} (0 = the input) of the
     * step's batch: x rows x ld from unit 0; unitOf null is the identity; start as dropout.cu says.
     * {@code slot} holds p and 1 / (1 - p).
     */
    private void dropout(Pointer x, int ld, int rows, int layer, DeviceBuffer unitOf, int b, int start, int slot) {
        kernels.dropout(x, ld, rows, sizes[layer], unitOf, epoch.order, step, b, start, epoch.key,
                Philox.STREAM_DROPOUT + layer, scalar(slot));
        mark("dropout " + layer);
    }

    /** Unit 0 of an activation buffer's first row: column 1, past the bias unit. */
    private static Pointer firstUnit(DeviceBuffer act) {
        return act.at(1);
    }

    /**
     * Input features the training products use: the live ones (all when there is no feature order, or
     * when deformations may move ink onto pixels that are 0 in every training image).
     */
    private int trainedInputs() {
        return features != null && !deforming ? features.live() : sizes[0];
    }

    /**
     * act[0] holds the input; fills act[1..L-1] (ReLU) and the logits pre[L]. The first product uses
     * the first {@code inputs} features (device order) and W1's matching rows. dropoutBatch > 0: a
     * training step of that batch size with hidden-layer dropout after each ReLU; 0: no dropout.
     */
    private void forward(int rows, int inputs, int dropoutBatch) {
        int L = layers();
        BatchBuffers bb = batch;
        for (int l = 1; l <= L; l++) {
            gemm.linearForward(bb.act[l - 1].pointer(), bb.ld[l - 1], rows, l == 1 ? inputs : sizes[l - 1],
                    w[l - 1].pointer(), sizes[l], bb.pre[l].pointer(), sizes[l], scalar(ONE), scalar(ZERO));
            mark("linearForward W" + l);
            if (l < L) {
                kernels.reluForward(bb.pre[l], sizes[l], rows, sizes[l], bb.act[l], bb.ld[l]);
                mark("relu_forward " + l);
                if (dropoutBatch > 0) {
                    dropout(firstUnit(bb.act[l]), bb.ld[l], rows, l, null, dropoutBatch, 0, DROPOUT);
                }
            }
        }
    }

    @Override
    public Evaluation evaluate(Dataset data) {
        requireWeights();
        InputShape.requireFeatures(sizes[0], data);
        ctx.makeCurrent();
        DeviceData d = deviceCopy(data);
        int n = data.count();
        int classes = outputs();
        int[] predictedAll = new int[n];
        double lossSum = 0;
        ensureBatchCapacity(1);
        BatchBuffers bb = batch;
        for (int start = 0; start < n; start += bb.capacity) {
            int rows = Math.min(bb.capacity, n - start);
            kernels.gatherBatch(d.images(), sizes[0], null, null, 0, start, rows, d.labels(), featureOf, bb.act[0],
                    bb.ld[0], bb.labels);
            forward(rows, sizes[0], 0);
            kernels.xentArgmax(bb.pre[layers()], rows, classes, bb.labels, bb.rowLoss, bb.predicted);
            ctx.synchronize();
            double[] losses = new double[rows];
            int[] pred = new int[rows];
            bb.rowLoss.download(losses);
            bb.predicted.download(pred);
            for (double x : losses) {
                lossSum += x;
            }
            System.arraycopy(pred, 0, predictedAll, start, rows);
        }
        return new Evaluation(lossSum, predictedAll, data.labels().clone(), classes);
    }

    @Override
    public float[] probabilities(byte[] images, int count) {
        requireWeights();
        InputShape.requireImages(sizes[0], images, count);
        ctx.makeCurrent();
        int classes = outputs();
        float[] out = new float[count * classes];
        if (count == 0) {
            return out;
        }
        ensureBatchCapacity(1);
        BatchBuffers bb = batch;
        try (DeviceBuffer bytes = DeviceBuffer.bytes((long) count * sizes[0], "the images to predict")) {
            ctx.synchronize();
            bytes.upload(Arrays.copyOf(images, count * sizes[0]));
            for (int start = 0; start < count; start += bb.capacity) {
                int rows = Math.min(bb.capacity, count - start);
                kernels.gatherBatch(bytes, sizes[0], null, null, 0, start, rows, null, featureOf, bb.act[0], bb.ld[0],
                        null);
                forward(rows, sizes[0], 0);
                kernels.softmax(bb.pre[layers()], rows, classes);
                ctx.synchronize();
                float[] p = new float[rows * classes];
                bb.pre[layers()].download(p);
                System.arraycopy(p, 0, out, start * classes, p.length);
            }
        }
        return out;
    }

    /** The device copy of a data set: the training set's own, or one cached evaluation set. */
    private DeviceData deviceCopy(Dataset data) {
        if (train != null && train.source() == data) {
            return train;
        }
        if (evalData == null || evalData.source() != data) {
            ctx.synchronize();
            if (evalData != null) {
                evalData.close();
            }
            evalData = null;
            evalData = DeviceData.upload(data);
        }
        return evalData;
    }

    /** Batch buffers for at least max(rows, EVAL_ROWS) rows; reallocating drops the captured graphs. */
    private void ensureBatchCapacity(int rows) {
        int need = Math.max(rows, EVAL_ROWS);
        if (batch != null && need <= batch.capacity) {
            return;
        }
        ctx.synchronize();
        freeBatchBuffers();
        batch = new BatchBuffers(sizes, need);
    }

    private void ensureEpochBuffers(int n, int steps) {
        if (epoch != null && epoch.fits(n, steps)) {
            return;
        }
        ctx.synchronize();
        closeGraphs();
        if (epoch != null) {
            epoch.close();
            epoch = null;
        }
        epoch = new EpochBuffers(n, steps);
    }

    /** Deformation buffers for these settings and batches of `rows`; reallocating drops the captured graphs. */
    private void ensureDeform(StepSettings s, int rows) {
        Dataset src = train.source();
        if (deform != null && deform.fits(s.deformation(), src.rows(), src.cols(), rows)) {
            return;
        }
        ctx.synchronize();
        closeGraphs();
        if (deform != null) {
            deform.close();
            deform = null;
        }
        deform = new DeviceDeform(s.deformation(), src.rows(), src.cols(), rows);
    }

    private void ensureMomentumBuffers() {
        if (v != null) {
            return;
        }
        ctx.synchronize();
        closeGraphs();
        DeviceBuffer[] vl = new DeviceBuffer[layers()];
        DeviceBuffer[] gl = new DeviceBuffer[layers()];
        try (Closer undo = new Closer()) { // a failed allocation frees the earlier ones and leaves no momentum
            for (int l = 1; l <= layers(); l++) {
                vl[l - 1] = undo.register(DeviceBuffer.floats(weightCount(l), "momentum of W" + l));
                vl[l - 1].clear();
                gl[l - 1] = undo.register(DeviceBuffer.floats(weightCount(l), "gradient of W" + l));
            }
            undo.handOver();
        }
        v = vl;
        g = gl;
    }

    private Pointer scalar(int slot) {
        return scalars.at(slot);
    }

    private long weightCount(int l) {
        return (long) (sizes[l - 1] + 1) * sizes[l];
    }

    private int layers() {
        return sizes.length - 1;
    }

    private int outputs() {
        return sizes[sizes.length - 1];
    }

    private void requireWeights() {
        if (w == null) {
            throw new IllegalStateException("uploadWeights must be called first");
        }
    }

    private static float[] readFloats(DeviceBuffer b) {
        float[] a = new float[(int) b.length()];
        b.download(a);
        return a;
    }

    private void closeGraphs() {
        List<CudaGraph> all = List.copyOf(graphs.values());
        graphs.clear();
        Closer.closeAll(all.toArray(new CudaGraph[0]));
    }

    private void freeBatchBuffers() {
        BatchBuffers b = batch;
        batch = null;
        try (Closer c = new Closer()) {
            c.register(b);
            c.register(this::closeGraphs); // first
        }
    }

    private void freeModelBuffers() {
        DeviceBuffer[] wl = w;
        DeviceBuffer[] vl = v;
        DeviceBuffer[] gl = g;
        w = null;
        v = null;
        g = null;
        deadMomentum = false;
        try (Closer c = new Closer()) { // in the order below, each tried even when an earlier one fails
            c.register(() -> Closer.closeAll(gl));
            c.register(() -> Closer.closeAll(vl));
            c.register(() -> Closer.closeAll(wl));
            c.register(this::freeBatchBuffers);
        }
    }

    /**
     * Waits for the GPU and frees everything, in the order: model and batch buffers, epoch and
     * deformation buffers, scalars, profiler, data, cuBLAS, kernels, context. A failure (an earlier
     * kernel's error surfacing at the first synchronize) skips none of the later steps; the first is
     * rethrown with the others suppressed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Closer c = new Closer()) { // registered in the reverse order of running
            c.register(ctx);
            c.register(kernels);
            c.register(gemm);
            c.register(sideGemm);
            c.register(evalData);
            c.register(train);
            c.register(profiler);
            c.register(() -> Closer.closeAll(scalars, step, blocksDone, featureOf));
            c.register(deform);
            c.register(epoch);
            c.register(this::freeModelBuffers);
            c.register(ctx::synchronize);
            c.register(ctx::joinSideIfForked); // a step that failed between fork and join: its side work is waited for too
            c.register(ctx::makeCurrent);
        }
    }
}
