// The words an on/off environment variable (GPU_MLP_DEBUG, GPU_MLP_CUDA_SYNC) accepts, in one place for all of them.
package gpumlp.util;

import java.util.Locale;
import java.util.Set;

public final class OnOffVariable {
    private static final Set<String> ON = Set.of("1", "true", "yes", "on");
    private static final Set<String> OFF = Set.of("", "0", "false", "no", "off");
    /** How the accepted words are listed in messages and the README. */
    public static final String ACCEPTED = "1, true, yes or on to turn it on, or 0, false, no, off or empty to turn it off";

    private OnOffVariable() {
    }

    /**
     * Whether {@code value} of {@code variable} turns it on (unset counts as off); case and surrounding
     * blanks do not matter. Any other word is an IllegalArgumentException whose one-line message names
     * the variable and the words it takes.
     */
    public static boolean parse(String variable, String value) {
        if (value == null) {
            return false;
        }
        String word = value.strip().toLowerCase(Locale.ROOT);
        if (ON.contains(word)) {
            return true;
        }
        if (OFF.contains(word)) {
            return false;
        }
        throw new IllegalArgumentException(variable + " is '" + OneLine.of(value) + "' in the environment: set it to "
                + ACCEPTED);
    }

    /** As {@link #parse}, but off for a value it refuses (where that value has already been refused as a usage error). */
    public static boolean isOn(String variable, String value) {
        try {
            return parse(variable, value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
