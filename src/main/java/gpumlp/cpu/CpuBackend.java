// The CPU implementation of the Backend seam: float32 training and evaluation with CpuOps on host arrays.
package gpumlp.cpu;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Regularisation;
import gpumlp.backend.Evaluation;
import gpumlp.backend.InputShape;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import gpumlp.util.Philox;
import gpumlp.util.Vectors;

/**
 * Trains on host arrays with {@link CpuOps}. A step is: gather the batch (input dropout), forward
 * through every layer (ReLU, dropout), softmax + cross-entropy delta, back-propagate all deltas with
 * the old weights (ReLU derivative, the same dropout mask), then update every W(l) (weight decay, the
 * gradient step, max-norm). With deformations, the gathered inputs are replaced by the deformed
 * images first (before input dropout). Loops are split over rows across {@link Parallel}'s threads;
 * results do not depend on the thread count.
 */
public final class CpuBackend implements Backend {
    private static final int EVAL_ROWS = 256;

    private final Parallel par;
    private int[] sizes;              // d(0)..d(L)
    private float[][][] w;            // w[l-1] = W(l) as (d(l-1)+1) rows of d(l)
    private float[][][] velocity;     // momentum state, same shapes; allocated on first use
    private Dataset train;

    // Scratch for a batch of up to `capacity` rows: acts[l] is rows x d(l) for l = 0..L-1 (the input, then
    // the ReLU outputs), logits is rows x d(L) (it becomes delta(L)), deltas[l] is rows x d(l) for l = 1..L-1.
    private int capacity;
    private float[][][] acts;
    private float[][] logits;
    private float[][][] deltas;

    public CpuBackend(int threads) {
        this.par = new Parallel(threads);
    }

    @Override
    public String description() {
        return "cpu (" + par.threads() + (par.threads() == 1 ? " thread)" : " threads)");
    }

    @Override
    public void uploadTrainingSet(Dataset train) {
        this.train = train;
    }

    @Override
    public void uploadWeights(Network network) {
        sizes = network.sizes();
        w = new float[network.layers()][][];
        for (int l = 1; l <= network.layers(); l++) {
            w[l - 1] = CpuOps.toRows(network.weights(l), sizes[l - 1] + 1, sizes[l]);
        }
        velocity = null;
        capacity = 0;
    }

    @Override
    public Network readWeights() {
        requireWeights();
        Network net = Network.zeros(sizes);
        for (int l = 1; l <= layers(); l++) {
            CpuOps.toFlat(w[l - 1], net.weights(l));
        }
        return net;
    }

    @Override
    public float[][] readMomentum() {
        requireWeights();
        if (velocity == null) {
            return null;
        }
        float[][] v = new float[layers()][];
        for (int l = 1; l <= layers(); l++) {
            v[l - 1] = new float[(sizes[l - 1] + 1) * sizes[l]];
            CpuOps.toFlat(velocity[l - 1], v[l - 1]);
        }
        return v;
    }

    @Override
    public void uploadMomentum(float[][] v) {
        requireWeights();
        velocity = new float[layers()][][];
        for (int l = 1; l <= layers(); l++) {
            velocity[l - 1] = CpuOps.toRows(v[l - 1], sizes[l - 1] + 1, sizes[l]);
        }
    }

    @Override
    public EpochStats trainEpoch(int[] order, StepSettings settings, EpochProgress progress) {
        requireWeights();
        if (train == null) {
            throw new IllegalStateException("uploadTrainingSet must be called before trainEpoch");
        }
        if (train.features() != sizes[0]) {
            throw new IllegalStateException("the network takes " + sizes[0] + " inputs but the data has "
                    + train.features() + " features");
        }
        if (settings.momentum() > 0f && velocity == null) {
            velocity = new float[layers()][][];
            for (int l = 1; l <= layers(); l++) {
                velocity[l - 1] = new float[sizes[l - 1] + 1][sizes[l]];
            }
        }
        ensureCapacity(Math.max(1, Math.min(settings.batchSize(), order.length)));
        float[] gaussian = settings.deformation().gaussian();
        double lossSum = 0;
        long correct = 0;
        int n = order.length;
        for (int start = 0; start < n; start += settings.batchSize()) {
            int rows = Math.min(settings.batchSize(), n - start);
            CpuOps.gatherBatch(train.images(), sizes[0], order, start, rows, acts[0]);
            if (settings.deformation().enabled()) {
                deform(settings, gaussian, order, start, rows);
            }
            Masks masks = new Masks(settings, order, start);
            drop(masks, acts[0], rows, 0);
            forward(rows, masks);
            CpuOps.LossAndCorrect lc = CpuOps.softmaxXent(logits, rows, outputs(), train.labels(), order, start);
            backward(rows, masks);
            update(rows, settings);
            lossSum += lc.loss();
            correct += lc.correct();
            if (progress.due(start + rows)) {
                progress.update(start + rows, lossSum, correct);
            }
            if (progress.stopRequested()) { // after the last step this is the whole epoch's stats, as below
                return new EpochStats(start + rows, lossSum, correct);
            }
        }
        return new EpochStats(n, lossSum, correct);
    }

    @Override
    public Evaluation evaluate(Dataset data) {
        requireWeights();
        InputShape.requireFeatures(sizes[0], data);
        int n = data.count();
        int[] predicted = new int[n];
        double lossSum = 0;
        ensureCapacity(Math.min(EVAL_ROWS, n));
        for (int start = 0; start < n; start += capacity) {
            int rows = Math.min(capacity, n - start);
            CpuOps.gatherBatch(data.images(), sizes[0], null, start, rows, acts[0]);
            forward(rows, Masks.NONE);
            for (int r = 0; r < rows; r++) {
                predicted[start + r] = Vectors.argmax(logits[r], outputs());
            }
            lossSum += CpuOps.softmaxXent(logits, rows, outputs(), data.labels(), null, start).loss();
        }
        return new Evaluation(lossSum, predicted, data.labels().clone(), outputs());
    }

    @Override
    public float[] probabilities(byte[] images, int count) {
        requireWeights();
        InputShape.requireImages(sizes[0], images, count);
        float[] out = new float[count * outputs()];
        ensureCapacity(Math.min(EVAL_ROWS, Math.max(1, count)));
        for (int start = 0; start < count; start += capacity) {
            int rows = Math.min(capacity, count - start);
            CpuOps.gatherBatch(images, sizes[0], null, start, rows, acts[0]);
            forward(rows, Masks.NONE);
            CpuOps.softmax(logits, rows, outputs());
            for (int r = 0; r < rows; r++) {
                System.arraycopy(logits[r], 0, out, (start + r) * outputs(), outputs());
            }
        }
        return out;
    }

    /** Replaces the batch's inputs acts[0] by their deformations (DeformOps), rows split across the threads. */
    private void deform(StepSettings s, float[] gaussian, int[] order, int start, int rows) {
        par.forRange(rows, 1, (from, to) -> DeformOps.deformRows(s.deformation(), gaussian, s.seed(), s.epoch(),
                train.images(), train.rows(), train.cols(), order, start, from, to, acts[0]));
    }

    /** acts[0] holds the input; fills acts[1..L-1] (ReLU, then the step's dropout) and the logits. */
    private void forward(int rows, Masks masks) {
        int L = layers();
        for (int l = 1; l <= L; l++) {
            float[][] out = l < L ? acts[l] : logits;
            CpuOps.linearForward(acts[l - 1], rows, sizes[l - 1], w[l - 1], sizes[l], out, par);
            if (l < L) {
                CpuOps.reluForward(out, rows, sizes[l]);
                drop(masks, out, rows, l);
            }
        }
    }

    /**
     * logits already hold delta(L); computes delta(L-1)..delta(1) with the weights before the update.
     * A dropped unit has x = 0, so reluBackward clears its delta; dropout then scales the kept ones as
     * the forward pass scaled their activations.
     */
    private void backward(int rows, Masks masks) {
        for (int l = layers(); l >= 2; l--) {
            CpuOps.linearBackward(delta(l), rows, sizes[l], w[l - 1], sizes[l - 1], deltas[l - 1], par);
            CpuOps.reluBackward(deltas[l - 1], acts[l - 1], rows, sizes[l - 1]);
            drop(masks, deltas[l - 1], rows, l - 1);
        }
    }

    /** Weight decay, the gradient step and max-norm (hidden layers only), layer by layer. */
    private void update(int rows, StepSettings s) {
        boolean decay = s.weightDecay() > 0f;
        for (int l = 1; l <= layers(); l++) {
            int dIn = sizes[l - 1];
            int dOut = sizes[l];
            if (decay && s.momentum() == 0f) {
                CpuOps.weightDecay(w[l - 1], w[l - 1], dIn, dOut, s.decayShrink());
            }
            if (rows == 1 && s.momentum() == 0f) {
                CpuOps.outerProductUpdate(w[l - 1], acts[l - 1][0], dIn, delta(l)[0], dOut, s.learningRate());
            } else {
                CpuOps.sgdUpdate(w[l - 1], velocity == null ? null : velocity[l - 1], s.momentum(), s.learningRate(),
                        acts[l - 1], rows, dIn, delta(l), dOut, decay ? s.decayPerSum(rows) : 0f, par);
            }
            if (s.maxNorm() > 0f && l < layers()) {
                CpuOps.maxNorm(w[l - 1], dIn, dOut, s.maxNorm());
            }
        }
    }

    /** Applies the step's dropout mask of {@code layer} (0 = the input) to x, rows x d(layer). */
    private void drop(Masks m, float[][] x, int rows, int layer) {
        float p = m.s() == null ? 0f : layer == 0 ? m.s().inputDropout() : m.s().dropout();
        if (p > 0f) {
            CpuOps.dropout(x, rows, sizes[layer], null, m.order(), m.start(), m.s().seed(), m.s().epoch(),
                    Philox.STREAM_DROPOUT + layer, p, Regularisation.keepScale(p), par);
        }
    }

    /**
     * Whose masks a step draws: the samples order[start..] in the epoch and with the seed of s; units
     * of layer l use Philox stream STREAM_DROPOUT + l. NONE (evaluation, prediction) drops nothing.
     */
    private record Masks(StepSettings s, int[] order, int start) {
        static final Masks NONE = new Masks(null, null, 0);
    }

    private float[][] delta(int l) {
        return l == layers() ? logits : deltas[l];
    }

    private int layers() {
        return sizes.length - 1;
    }

    private int outputs() {
        return sizes[sizes.length - 1];
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        int L = layers();
        acts = new float[L][][];
        deltas = new float[L][][];
        for (int l = 0; l < L; l++) {
            acts[l] = new float[rows][sizes[l]];
            if (l >= 1) {
                deltas[l] = new float[rows][sizes[l]];
            }
        }
        logits = new float[rows][outputs()];
        capacity = rows;
    }

    private void requireWeights() {
        if (w == null) {
            throw new IllegalStateException("uploadWeights must be called first");
        }
    }

    @Override
    public void close() {
        par.close();
    }
}
