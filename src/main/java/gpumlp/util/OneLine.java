// Shows any text on one line: control characters (a newline in a value, an escape sequence) as \n, \r, \t or \u001b.
package gpumlp.util;

import java.util.Locale;

public final class OneLine {
    private OneLine() {
    }

    /**
     * {@code text} with every control character and line separator escaped, so a value echoed in
     * an error ({@code GPU_MLP_THREADS=$'1\n'}) cannot break the message over lines or drive the terminal.
     */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (printable(c)) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static boolean printable(char c) {
        return !Character.isISOControl(c) && c != '\u2028' && c != '\u2029';
    }
}
