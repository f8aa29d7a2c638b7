// The .npy header literal at its edges: text that stops anywhere, the longest numbers, spaces, and errors shown on one line.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

class NpyHeaderDictEdgesTest {
    private static final String OK = "{'descr': '<f4', 'fortran_order': False, 'shape': (19, 90), }";

    private static String refusal(String text) {
        return assertThrows(UserError.class, () -> NpyHeaderDict.parse(text, "x.npy")).getMessage();
    }

    @Test
    void textThatStopsAnywhereIsAMalformedHeaderNotACrash() {
        for (int cut = 0; cut < OK.length() - 1; cut++) {
            String m = refusal(OK.substring(0, cut));
            assertTrue(m.startsWith("x.npy: malformed .npy header ("), cut + ": " + m);
        }
        assertTrue(refusal("{'descr':").contains("(expected a value at character 9)"), refusal("{'descr':"));
        assertTrue(refusal("{").contains("(expected a quoted key or string at character 1)"), refusal("{"));
        assertTrue(refusal("{'descr").contains("(an unterminated string at character 1)"), refusal("{'descr"));
    }

    @Test
    void digitsSpacesAndPlainNumbers() {
        assertEquals(List.of(19L, 90L), NpyHeaderDict.parse(OK + " \n\t\r", "x.npy").get("shape"), "space after the dict");
        assertEquals(5L, NpyHeaderDict.parse("{'descr': '<f4', 'fortran_order': False, 'shape': 5}", "x.npy").get("shape"));
        assertEquals(List.of(999_999_999_999_999_999L, 0L),
                NpyHeaderDict.parse("{'descr':'<f4','fortran_order':False,'shape':(999999999999999999,0)}", "x.npy")
                        .get("shape"), "18 digits are a number");
        assertTrue(refusal("{'descr':'<f4','fortran_order':False,'shape':(1000000000000000000,1)}")
                .contains("a number too large"));
        assertTrue(refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (\u0663, 1)}").contains("expected a value"),
                "only ASCII digits");
        assertTrue(refusal("{'\\\\descr': '<f4', 'fortran_order': False, 'shape': (1, 1)}").contains("an escaped string"));
    }

    @Test
    void errorsShowTheHeaderOnOneReadableLine() {
        assertEquals("a b~\\x7f\\x1f\\x0a\\xe9", NpyHeaderDict.printable("a b~\u007f\u001f\n\u00e9"));
        String exactly120 = "{'descr': 7" + "x".repeat(120 - 11);
        assertTrue(refusal(exactly120).endsWith(": " + exactly120), refusal(exactly120));
        String longer = exactly120 + "y";
        assertTrue(refusal(longer).endsWith(": " + longer.substring(0, 117) + "..."), refusal(longer));
    }
}
