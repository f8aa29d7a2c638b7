// Numbers as a person writes them in settings lines and titles: 0.2, 34, 0.00001, and 1E+38 rather than 39 digits.
package gpumlp.util;

import java.math.BigDecimal;

public final class Numbers {
    private Numbers() {}

    /** The shortest decimal of {@code v}: plain between 1e-9 and 1e15 in magnitude (and 0), else scientific. */
    public static String plain(double v) {
        return format(BigDecimal.valueOf(v), Math.abs(v));
    }

    /** As {@link #plain(double)}, from the float's own shortest decimal (0.1f is 0.1, not 0.10000000149). */
    public static String plain(float v) {
        return format(new BigDecimal(Float.toString(v)), Math.abs(v));
    }

    private static String format(BigDecimal d, double magnitude) {
        BigDecimal s = d.stripTrailingZeros();
        return magnitude == 0 || (magnitude >= 1e-9 && magnitude <= 1e15) ? s.toPlainString() : s.toString();
    }
}
