// Dropout, weight decay and max-norm settings of a run, and the float32 factors both backends derive from them.
package gpumlp.backend;

import gpumlp.util.Numbers;

/**
 * What regularises training (README, "The model"); evaluation and prediction never see any of it.
 *
 * @param dropout P in [0, 1): each hidden unit of a training sample is dropped with probability P
 *     and a kept one is scaled by 1 / (1 - P) (inverted dropout); 0 is off
 * @param inputDropout the same for the input features
 * @param weightDecay lambda >= 0: the loss gains (lambda / 2) times the sum of the squared weights,
 *     bias rows excluded, so each step adds lambda w to the gradient of every non-bias weight; 0 is off
 * @param maxNorm C > 0: after every update, each hidden unit's incoming weight vector (its column of
 *     W(l) without the bias row) is rescaled to norm C where it is longer; 0 is off
 */
public record Regularisation(double dropout, double inputDropout, double weightDecay, double maxNorm) {
    /** Nothing: plain training. */
    public static final Regularisation NONE = new Regularisation(0, 0, 0, 0);

    public Regularisation {
        requireProbability(dropout, "dropout");
        requireProbability(inputDropout, "input dropout");
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weight decay must be 0 or positive and finite: " + weightDecay);
        }
        if (!(maxNorm >= 0 && Double.isFinite(maxNorm))) {
            throw new IllegalArgumentException("max-norm must be 0 (off) or positive and finite: " + maxNorm);
        }
    }

    private static void requireProbability(double p, String what) {
        if (!(p >= 0 && p < 1 && (float) p < 1f)) {
            throw new IllegalArgumentException(what + " must be in [0, 1) (in float32 too): " + p);
        }
    }

    /** True when any option is on. */
    public boolean any() {
        return dropout > 0 || inputDropout > 0 || weightDecay > 0 || maxNorm > 0;
    }

    /** ", dropout 0.5, input dropout 0.2, weight decay 0.0001, max-norm 3" for the options that are on; "" when none is. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        append(b, "dropout", dropout);
        append(b, "input dropout", inputDropout);
        append(b, "weight decay", weightDecay);
        append(b, "max-norm", maxNorm);
        return b.toString();
    }

    private static void append(StringBuilder b, String name, double value) {
        if (value > 0) {
            b.append(", ").append(name).append(' ').append(Numbers.plain(value));
        }
    }

    /** The factor a kept unit is multiplied by, 1 / (1 - p), in float32 as both backends compute it. */
    public static float keepScale(float p) {
        return 1f / (1f - p);
    }
}
