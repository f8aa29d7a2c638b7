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
}
