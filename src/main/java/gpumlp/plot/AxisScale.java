// Chooses a plot axis range and "nice" tick values (1, 2 or 5 times a power of ten) around some data.
package gpumlp.plot;

import java.util.Locale;

/** An axis from min to max with tick values and the number of decimals their labels need. */
record AxisScale(double min, double max, double[] ticks, int decimals) {

    /**
     * A range covering lo..hi, widened to whole ticks, with about {@code targetTicks} ticks.
     * A zero-width range is widened around the value; integerTicks forces a step of at least 1.
     */
    static AxisScale around(double lo, double hi, int targetTicks, boolean integerTicks) {
        if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12) {
            double pad = integerTicks ? 1 : Math.max(Math.abs(lo) * 0.05, 1e-3);
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, targetTicks - 1));
        if (integerTicks) {
            step = Math.max(1, Math.round(step));
        }
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        int n = (int) Math.round((max - min) / step) + 1;
        double[] ticks = new double[n];
        for (int i = 0; i < n; i++) {
            ticks[i] = min + i * step;
        }
        int decimals = integerTicks ? 0 : Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return new AxisScale(min, max, ticks, decimals);
    }

    /** The smallest of 1, 2, 5 x 10^k that is at least raw. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    String label(double tick) {
        return String.format(Locale.ROOT, "%." + decimals + "f", tick);
    }
}
