// A backend with scripted figures: it counts the samples it trains instead of learning, so the loop's decisions meet exact numbers.
package gpumlp.train;

import gpumlp.backend.Backend;
import gpumlp.backend.EpochProgress;
import gpumlp.backend.EpochStats;
import gpumlp.backend.Evaluation;
import gpumlp.backend.StepSettings;
import gpumlp.data.Dataset;
import gpumlp.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * The "weights" are the number of samples trained since the weights were first made: W1[0] holds it,
 * so a network read back says which epoch it is from (epoch k of n samples: k n). Epoch e's samples
 * each have loss {@link #trainLoss}(e) and every second one is right; a data set scored after k
 * trained epochs has mean loss {@link #heldOutLoss}(k) and accuracy {@link #heldOutAccuracy}(k). The
 * momentum state, once a step with momentum has run, is W1[0] at that step. Every call is recorded in
 * {@link #events}, the data sets named by the {@link #names} given.
 */
final class ScriptedBackend implements Backend {
    final List<String> events = new ArrayList<>();
    final List<int[]> orders = new ArrayList<>();
    final List<StepSettings> steps = new ArrayList<>();
    IntToDoubleFunction trainLoss = e -> 1.0;
    IntToDoubleFunction heldOutLoss = k -> 1.0;
    IntToDoubleFunction heldOutAccuracy = k -> 0.5;
    /** A backend may ask its progress sink either way; true: {@link EpochProgress#due()}. */
    boolean asksDueWithoutCount;

    private final java.util.Map<Dataset, String> names;
    private int[] sizes;
    private int epochSamples;
    private float trained;
    private float[][] momentum;

    ScriptedBackend(java.util.Map<Dataset, String> names) {
        this.names = names;
    }

    private String name(Dataset d) {
        return names.getOrDefault(d, d.name());
    }

    @Override
    public String description() {
        return "scripted";
    }

    @Override
    public void uploadTrainingSet(Dataset train) {
        events.add("upload " + name(train));
        epochSamples = train.count();
    }

    @Override
    public void uploadWeights(Network network) {
        sizes = network.sizes();
        trained = network.weights(1)[0];
        momentum = null;
        events.add("weights " + (int) trained);
    }

    @Override
    public Network readWeights() {
        Network n = Network.zeros(sizes);
        n.weights(1)[0] = trained;
        return n;
    }

    @Override
    public float[][] readMomentum() {
        return momentum == null ? null : new float[][] {momentum[0].clone()};
    }

    @Override
    public void uploadMomentum(float[][] v) {
        momentum = new float[][] {v[0].clone()};
        events.add("momentum " + (int) v[0][0]);
    }

    @Override
    public EpochStats trainEpoch(int[] order, StepSettings s, EpochProgress progress) {
        events.add("train epoch " + s.epoch() + ": " + order.length);
        orders.add(order.clone());
        steps.add(s);
        double loss = trainLoss.applyAsDouble(s.epoch());
        int done = 0;
        while (done < order.length) {
            int rows = Math.min(s.batchSize(), order.length - done);
            done += rows;
            trained += rows;
            if (s.momentum() > 0) {
                momentum = new float[][] {new float[(sizes[0] + 1) * sizes[1]]};
                momentum[0][0] = trained;
            }
            if (asksDueWithoutCount ? progress.due() : progress.due(done)) {
                progress.update(done, loss * done, done / 2);
            }
            if (progress.stopRequested() && done < order.length) {
                break;
            }
        }
        return new EpochStats(done, loss * done, done / 2);
    }

    @Override
    public Evaluation evaluate(Dataset data) {
        events.add("evaluate " + name(data) + " at " + (int) trained);
        int k = epochSamples == 0 ? 0 : (int) (trained / epochSamples);
        int n = data.count();
        int right = (int) Math.round(heldOutAccuracy.applyAsDouble(k) * n);
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = i < right ? data.label(i) : (data.label(i) + 1) % sizes[sizes.length - 1];
        }
        return new Evaluation(heldOutLoss.applyAsDouble(k) * n, predicted, data.labels().clone(), sizes[sizes.length - 1]);
    }

    @Override
    public float[] probabilities(byte[] images, int count) {
        throw new UnsupportedOperationException("the trainer never predicts");
    }

    @Override
    public void close() {}
}
