// The float scalars training steps read from device memory: constants, the epoch's learning-rate terms, regularisation factors.
package gpumlp.gpu;

import gpumlp.backend.Regularisation;
import gpumlp.backend.StepSettings;

/**
 * Kept on the device (cuBLAS pointer mode device, kernel arguments by pointer), so that a captured
 * CUDA graph reads the current epoch's values. The regularisation values are computed by the same
 * {@link StepSettings} methods the CPU backend calls, so both use the same float32 numbers. Slot
 * numbers index a float buffer of {@link #SLOTS}.
 */
final class StepScalars {
    static final int ONE = 0;
    static final int ZERO = 1;
    static final int NEG_RATE_FULL = 2;   // -eta / batchSize
    static final int NEG_RATE_TAIL = 3;   // -eta / rows of the last, smaller batch
    static final int INV_FULL = 4;        // 1 / batchSize
    static final int INV_TAIL = 5;        // 1 / rows of the last batch
    static final int MU = 6;
    static final int ETA = 7;
    static final int INPUT_DROPOUT = 8;   // p, then 1 / (1 - p) in slot 9 (dropout reads the pair)
    static final int DROPOUT = 10;        // p, then 1 / (1 - p) in slot 11
    static final int DECAY_SHRINK = 12;   // -eta lambda (weight_decay on W without momentum)
    static final int DECAY_FULL = 13;     // lambda batchSize (weight_decay on the summed gradient)
    static final int DECAY_TAIL = 14;     // lambda rows of the last batch
    static final int MAX_NORM = 15;       // C
    static final int SLOTS = 16;

    private StepScalars() {}

    /** The values for an epoch with these settings whose last batch has {@code tail} rows (0: none). */
    static float[] values(StepSettings s, int tail) {
        float eta = s.learningRate();
        int b = s.batchSize();
        int t = tail > 0 ? tail : b;
        float[] v = new float[SLOTS];
        v[ONE] = 1f;
        v[ZERO] = 0f;
        v[NEG_RATE_FULL] = -(eta / b);
        v[NEG_RATE_TAIL] = -(eta / t);
        v[INV_FULL] = 1f / b;
        v[INV_TAIL] = 1f / t;
        v[MU] = s.momentum();
        v[ETA] = eta;
        v[INPUT_DROPOUT] = s.inputDropout();
        v[INPUT_DROPOUT + 1] = Regularisation.keepScale(s.inputDropout());
        v[DROPOUT] = s.dropout();
        v[DROPOUT + 1] = Regularisation.keepScale(s.dropout());
        v[DECAY_SHRINK] = s.decayShrink();
        v[DECAY_FULL] = s.decayPerSum(b);
        v[DECAY_TAIL] = s.decayPerSum(t);
        v[MAX_NORM] = s.maxNorm();
        return v;
    }
}
