// The per-sample deformation settings of a run: elastic (alpha, sigma) and affine (rotation, scaling, shear, translation) ranges.
package gpumlp.backend;

import gpumlp.util.Numbers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each training sample is deformed anew in every epoch (README, "Deformations"): an elastic field
 * (uniform in [-1, 1] per pixel and axis, smoothed by a Gaussian of standard deviation {@code sigma}
 * pixels, scaled by {@code alpha}) and an affine map drawn uniformly from the ranges below, then the
 * image is resampled bilinearly (outside is background). All zero is {@link #NONE}: no deformation.
 *
 * @param alpha elastic scale in pixels (0: no elastic field)
 * @param sigma Gaussian standard deviation in pixels (used when alpha > 0)
 * @param rotate rotation drawn from [-rotate, rotate] degrees
 * @param scale per-axis scaling drawn from [-scale, scale] percent, each axis on its own
 * @param shear horizontal shear angle drawn from [-shear, shear] degrees
 * @param translate translation drawn from [-translate, translate] pixels, each axis on its own
 */
public record Deformation(float alpha, float sigma, float rotate, float scale, float shear, float translate) {
    public static final Deformation NONE = new Deformation(0f, 0f, 0f, 0f, 0f, 0f);

    /** Largest sigma accepted (pixels): the smoothing kernel has 2 ceil(3 sigma) + 1 taps. */
    public static final float MAX_SIGMA = 50f;

    public Deformation {
        check(alpha >= 0f && alpha <= 1000f, "alpha must be in [0, 1000] pixels: " + alpha);
        check(alpha == 0f || (sigma > 0f && sigma <= MAX_SIGMA), "sigma must be in (0, " + MAX_SIGMA + "] pixels: " + sigma);
        check(sigma >= 0f && sigma <= MAX_SIGMA, "sigma must be in [0, " + MAX_SIGMA + "] pixels: " + sigma);
        check(rotate >= 0f && rotate <= 180f, "rotation must be in [0, 180] degrees: " + rotate);
        check(scale >= 0f && scale < 100f, "scaling must be in [0, 100) percent: " + scale);
        check(shear >= 0f && shear < 90f, "shear must be in [0, 90) degrees: " + shear);
        check(translate >= 0f && translate <= 1000f, "translation must be in [0, 1000] pixels: " + translate);
    }

    private static void check(boolean ok, String message) {
        if (!ok) { // also false for NaN
            throw new IllegalArgumentException(message);
        }
    }

    /** True when some deformation is drawn (false for {@link #NONE}). */
    public boolean enabled() {
        return elastic() || rotate > 0f || scale > 0f || shear > 0f || translate > 0f;
    }

    /** True when an elastic field is drawn. */
    public boolean elastic() {
        return alpha > 0f;
    }

    /** Taps on each side of the Gaussian's centre: ceil(3 sigma) (0 without an elastic field). */
    public int radius() {
        return elastic() ? (int) Math.ceil(3.0 * sigma) : 0;
    }

    /**
     * The normalised Gaussian of the smoothing, 2 radius + 1 taps, tap k (from -radius) at index
     * k + radius: exp(-k^2 / (2 sigma^2)) / sum, computed in double with StrictMath and rounded to
     * float, so both backends use the same weights.
     */
    public float[] gaussian() {
        if (!elastic()) {
            return new float[] {1f};
        }
        int r = radius();
        double[] g = new double[2 * r + 1];
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            g[k + r] = StrictMath.exp(-(double) k * k / (2.0 * sigma * sigma));
            sum += g[k + r];
        }
        float[] out = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = (float) (g[i] / sum);
        }
        return out;
    }

    /** The settings for a model file and the checkpoint check (only when enabled). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("elastic_alpha", (double) alpha);
        m.put("elastic_sigma", (double) sigma);
        m.put("rotate_degrees", (double) rotate);
        m.put("scale_percent", (double) scale);
        m.put("shear_degrees", (double) shear);
        m.put("translate_pixels", (double) translate);
        return m;
    }

    /** One line for logs, e.g. "elastic 34,4, rotate 15" or "none". */
    public String describe() {
        if (!enabled()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        if (elastic()) {
            b.append("elastic ").append(Numbers.plain(alpha)).append(',').append(Numbers.plain(sigma));
        }
        append(b, "rotate", rotate);
        append(b, "scale", scale);
        append(b, "shear", shear);
        append(b, "translate", translate);
        return b.toString();
    }

    private static void append(StringBuilder b, String what, float v) {
        if (v > 0f) {
            b.append(b.length() == 0 ? "" : ", ").append(what).append(' ').append(Numbers.plain(v));
        }
    }
}
