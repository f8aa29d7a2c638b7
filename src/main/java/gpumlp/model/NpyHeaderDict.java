// Parses the .npy header, a Python dict literal, as numpy reads it: exactly descr, fortran_order and shape.
package gpumlp.model;

import gpumlp.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The grammar numpy writes and {@code ast.literal_eval} accepts, restricted to what a header can
 * hold: {@code {'key': value, ...}} with string keys and values that are strings, True/False, ints
 * or tuples of ints ({@code (5,)}, {@code (2, 3)}; {@code (5)} is an int, as in Python). numpy
 * refuses a header without exactly the keys descr, fortran_order and shape; a key given twice,
 * which Python would silently resolve to the last value, is refused too.
 */
final class NpyHeaderDict {
    static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

    private final String text;
    private final String source;
    private int pos;

    private NpyHeaderDict(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Key to value: String, Boolean, Long, or List of Long for a tuple. */
    static Map<String, Object> parse(String text, String source) {
        NpyHeaderDict p = new NpyHeaderDict(text, source);
        Map<String, Object> d = p.dict();
        p.space();
        if (p.pos != text.length()) {
            throw p.error("text after the closing '}'");
        }
        if (!d.keySet().equals(Set.copyOf(KEYS))) {
            throw new UserError(source + ": malformed .npy header: keys " + printable(d.keySet().toString()) + ", expected exactly "
                    + KEYS);
        }
        return d;
    }

    private Map<String, Object> dict() {
        expect('{');
        Map<String, Object> d = new LinkedHashMap<>();
        while (!peek('}')) {
            String key = string();
            expect(':');
            if (d.put(key, value()) != null) {
                throw error("the key '" + key + "' appears twice");
            }
            if (!peek('}')) {
                expect(',');
            }
        }
        expect('}');
        return d;
    }

    private Object value() {
        space();
        if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')) {
            return string();
        }
        if (text.startsWith("True", pos) || text.startsWith("False", pos)) {
            boolean v = text.startsWith("True", pos);
            pos += v ? 4 : 5;
            return v;
        }
        if (peek('(')) {
            return tuple();
        }
        return integer();
    }

    /** (a, b, ...) with a trailing comma allowed; a single parenthesised number without a comma is that number. */
    private Object tuple() {
        expect('(');
        List<Long> items = new ArrayList<>();
        boolean comma = false;
        while (!peek(')')) {
            items.add(integer());
            comma = false;
            if (!peek(')')) {
                expect(',');
                comma = true;
            }
        }
        expect(')');
        return items.size() == 1 && !comma ? items.get(0) : items;
    }

    /** Digits 0-9 (no sign: a dimension is never negative); callers have skipped the space before it. */
    private long integer() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start || pos - start > 18) {
            throw error(pos == start ? "expected a value" : "a number too large");
        }
        return Long.parseLong(text.substring(start, pos));
    }

    /** 'text' or "text" without escapes; callers have skipped the space before it. */
    private String string() {
        char quote = pos < text.length() ? text.charAt(pos) : 0;
        if (quote != '\'' && quote != '"') {
            throw error("expected a quoted key or string");
        }
        int end = text.indexOf(quote, pos + 1);
        if (end == -1) {
            throw error("an unterminated string");
        }
        String s = text.substring(pos + 1, end);
        if (s.contains("\\")) {
            throw error("an escaped string");
        }
        pos = end + 1;
        return s;
    }

    private boolean peek(char c) {
        space();
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void space() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\n'
                || text.charAt(pos) == '\r')) {
            pos++;
        }
    }

    private UserError error(String what) {
        String shown = printable(text.strip());
        shown = shown.length() <= 120 ? shown : shown.substring(0, 117) + "...";
        return new UserError(source + ": malformed .npy header (" + what + " at character " + pos + "): " + shown);
    }

    /** The text with control and non-ASCII characters as \xNN, so that an error stays one readable line. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
