// Learning-rate schedules evaluated once per epoch: constant, step decay, cosine annealing.
package gpumlp.train;

import java.util.Locale;

/** Maps a 0-based epoch number to the learning rate used throughout that epoch (StrictMath: the same on every JVM). */
public sealed interface Schedule {
    /** The learning rate for epoch {@code e} (0-based) of {@code epochs}. */
    double rate(int e, int epochs);

    /** A short description for logs and model metadata, e.g. "step(every 3, x0.5)". */
    String describe();

    /** eta in every epoch. */
    record Constant(double eta) implements Schedule {
        @Override
        public double rate(int e, int epochs) {
            return eta;
        }

        @Override
        public String describe() {
            return "constant";
        }
    }

    /** eta * gamma^floor(e / every). */
    record Step(double eta, int every, double gamma) implements Schedule {
        @Override
        public double rate(int e, int epochs) {
            return eta * StrictMath.pow(gamma, e / every);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "step(every %d, x%s)", every, gamma);
        }
    }

    /** Cosine annealing from eta towards 0: eta * (1 + cos(pi * e / epochs)) / 2, so the last epoch still trains. */
    record Cosine(double eta) implements Schedule {
        @Override
        public double rate(int e, int epochs) {
            return eta * 0.5 * (1.0 + StrictMath.cos(StrictMath.PI * e / epochs));
        }

        @Override
        public String describe() {
            return "cosine";
        }
    }

    /** The schedule kinds the command line accepts. */
    enum Kind {
        constant, step, cosine;

        public Schedule create(double eta, int stepEvery, double stepGamma) {
            return switch (this) {
                case constant -> new Constant(eta);
                case step -> new Step(eta, stepEvery, stepGamma);
                case cosine -> new Cosine(eta);
            };
        }
    }
}
