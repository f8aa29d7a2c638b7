// Every numeric tolerance the tests use, each with how it was chosen.
package gpumlp;

public final class Tolerances {
    private Tolerances() {}

    /**
     * Finite differences in double precision against back-propagation: central differences with
     * step {@link #FD_STEP} have truncation error ~h^2 |J'''| ~ 1e-12 and rounding error
     * ~eps |J| / h ~ 1e-10, far below the 1e-6 relative error the issue asks for.
     */
    public static final double GRADIENT_CHECK_RELATIVE = 1e-6;
    public static final double FD_STEP = 1e-6;
    /** Below this, both gradients count as zero and are compared absolutely (dead ReLU units give exact zeros). */
    public static final double GRADIENT_CHECK_ABSOLUTE = 1e-9;

    /**
     * float32 CPU step against the double reference, per weight matrix: relative error
     * ||W_float - W_double|| / ||W_double||. One step accumulates a few float roundings
     * (eps = 6e-8) over sums of ~800 terms: measured ~1e-7; 1e-5 leaves room without hiding a
     * wrong formula (a wrong derivative or a missing bias row gives errors above 1e-3).
     */
    public static final double ONE_STEP_RELATIVE = 1e-5;

    /** float32 against double after about ten steps: ten times the one-step bound. */
    public static final double FEW_STEPS_RELATIVE = 1e-4;

    /** float32 against double after 100 SGD steps: rounding differences grow with each step; measured ~1e-6. */
    public static final double MANY_STEPS_RELATIVE = 1e-3;

    /** Hand-computed values are given to 8 significant digits; float32 carries about 7. */
    public static final double HAND_COMPUTED_ABSOLUTE = 2e-7;

    /**
     * A GPU kernel against its CPU twin where the two may round differently: softmax divides exp values
     * computed by CUDA's exp instead of StrictMath's (both within 1 ulp in double, then rounded to
     * float), so probabilities and deltas in [0, 1] differ by a few float ulps at most (~1e-7).
     */
    public static final double GPU_KERNEL_ABSOLUTE = 1e-6;
    /** Summed or per-row losses (double) from those values: a few float ulps relative. */
    public static final double GPU_KERNEL_RELATIVE = 1e-6;

    /**
     * One training step on the GPU against the float32 CPU backend from identical weights, per weight
     * matrix: cuBLAS sums products in another order than the CPU loops (eps 6e-8 over ~800 terms);
     * the bound, the same as the float-vs-double one-step bound above.
     */
    public static final double GPU_ONE_STEP_RELATIVE = 1e-5;

    /**
     * The update of one GPU step (W_after - W_before) against the CPU's: the same sums, without the
     * large unchanged part of W that makes the weight comparison easy; ten times the weight bound,
     * as a sum of 64 outer products rounds more than the weights it is added to.
     */
    public static final double GPU_ONE_STEP_UPDATE_RELATIVE = 1e-4;

    /** 100 steps on the GPU against the CPU: differences grow step by step; the bound. */
    public static final double GPU_MANY_STEPS_RELATIVE = 1e-3;

    /** Evaluation loss on the GPU against the CPU (sums of float products, then double sums). */
    public static final double GPU_EVAL_LOSS_RELATIVE = 1e-5;

    /**
     * The fraction of units dropout drops, against P: over n independent draws the fraction has standard
     * deviation sqrt(P (1 - P) / n); five of them (a chance of about 6e-7 to fail for a correct generator)
     * are 0.2 percentage points at P = 0.5 with n = 1.6 million draws, so a biased rule or generator shows.
     */
    public static final double DROPOUT_FRACTION_SIGMAS = 5;

    /**
     * max_norm on the GPU against its CPU twin: both sum exact double squares, in different orders, so
     * the double norms may differ in their last bit and C / norm, rounded to float, by one float ulp
     * (rarely); nothing else differs.
     */
    public static final int MAX_NORM_ULPS = 1;

    /**
     * Deformation kernels against their twins (DeformOps) from the same inputs: deform_field,
     * deform_smooth_* and deform_resample round every product and sum in the twin's order
     * (__fmul_rn / __fadd_rn, IEEE division, floorf), so they must give the CPU's bits: tolerance 0.
     */
    public static final double DEFORM_EXACT = 0;

    /**
     * deform_affine against deformAffine: the same double arithmetic, but CUDA's sin, cos and tan are
     * within 2 ulp of a double, not correctly rounded like StrictMath; after rounding to float a value
     * may differ by 1 float ulp (6e-8 relative). Absolute, on values up to about 30 (the offsets).
     */
    public static final double DEFORM_AFFINE_ABSOLUTE = 1e-5;

    /**
     * Deformed pixels (0..1) after the whole GPU pipeline against the CPU's: an affine value off by 1 ulp
     * moves a sampling point by about 1e-6 pixels, which changes a bilinear value by at most that much
     * times the largest pixel step (1): 1e-5 leaves room.
     */
    public static final double DEFORM_PIXEL_ABSOLUTE = 1e-5;
}
