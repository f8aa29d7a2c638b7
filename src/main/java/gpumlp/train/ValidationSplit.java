// The --validation setting: how many of the (limited) training images to hold out, as a count or a fraction.
package gpumlp.train;

import gpumlp.data.Dataset;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A count (10000), a fraction (0.1, or 1/6), or 0 for none. The held-out images are the last ones
 * of the training set (after --limit), so every seed is scored on the same images; 1/6 of MNIST's
 * 60,000 is the usual 50,000 / 10,000 split.
 *
 * @param text the setting as written, normalised ("1/6", "0.1", "10000", "0")
 * @param count a fixed number of images, or -1 for a fraction
 * @param fraction the fraction in (0, 1) when count is -1
 */
public record ValidationSplit(String text, long count, BigDecimal fraction) {
    /** No validation split: every image trains, and the epochs are scored on the test set. */
    public static final ValidationSplit NONE = new ValidationSplit("0", 0, null);
    /** The default: one image in six (MNIST: the last 10,000 of 60,000). */
    public static final String DEFAULT = "1/6";

    /** Parses a count, a decimal fraction in (0, 1) or a fraction A/B with 0 < A < B; IllegalArgumentException otherwise. */
    public static ValidationSplit parse(String s) {
        String t = s.strip();
        try {
            if (t.matches("\\d+")) {
                long n = Long.parseLong(t);
                return n == 0 ? NONE : new ValidationSplit(Long.toString(n), n, null);
            }
            if (t.matches("\\d+/\\d+")) {
                String[] ab = t.split("/");
                BigDecimal a = new BigDecimal(ab[0]);
                BigDecimal b = new BigDecimal(ab[1]);
                if (a.signum() > 0 && a.compareTo(b) < 0) {
                    return new ValidationSplit(a.toPlainString() + "/" + b.toPlainString(), -1,
                            a.divide(b, 40, RoundingMode.HALF_EVEN));
                }
            } else if (t.chars().allMatch(c -> c < 128)) { // BigDecimal also takes full-width and other scripts' digits
                BigDecimal f = new BigDecimal(t);
                if (f.signum() > 0 && f.compareTo(BigDecimal.ONE) < 0) {
                    return new ValidationSplit(f.stripTrailingZeros().toPlainString(), -1, f);
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("'" + s + "' is not a count of images (10000), a fraction between 0 and 1 "
                + "(0.1 or 1/6), or 0 for none");
    }

    public boolean none() {
        return count == 0;
    }

    /**
     * How many of {@code n} images are held out: the count, or the fraction of n rounded to the
     * nearest image and at least 1. IllegalArgumentException when that leaves no image to train on.
     */
    public int heldOut(int n) {
        long v = count >= 0 ? count : Math.max(1, new BigDecimal(n).multiply(fraction)
                .setScale(0, RoundingMode.HALF_UP).toBigInteger().min(BigInteger.valueOf(n)).longValueExact());
        if (v >= n) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--validation %s holds out %,d of the %,d "
                    + "training images, which leaves none to train on: hold out fewer, or --validation 0 for none", text, v, n));
        }
        return (int) v;
    }

    /** The images that train and those that validate (null with {@link #NONE}). */
    public record Parts(Dataset train, Dataset validation) {}

    /**
     * Splits the first {@code use} images of {@code data} (all of them when use is 0 or more than
     * there are): the first use - v train, the last v validate.
     */
    public Parts split(Dataset data, int use) {
        int n = use <= 0 ? data.count() : Math.min(use, data.count());
        if (none()) {
            return new Parts(data.limit(n), null);
        }
        int v = heldOut(n);
        return new Parts(data.slice(0, n - v), data.slice(n - v, n));
    }

    @Override
    public String toString() {
        return text;
    }
}
