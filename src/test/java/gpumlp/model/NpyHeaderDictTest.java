// The .npy header is read as the Python literal numpy writes and reads, not by pattern matching.
package gpumlp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpyHeaderDictTest {
    private static Map<String, Object> parse(String text) {
        return NpyHeaderDict.parse(text, "x.npy");
    }

    private static String refusal(String text) {
        return assertThrows(UserError.class, () -> parse(text)).getMessage();
    }

    @Test
    void acceptsWhatNumpyWritesAndOtherSpellingsOfTheSameLiteral() {
        Map<String, Object> d = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (785, 800), }");
        assertEquals("<f4", d.get("descr"));
        assertEquals(false, d.get("fortran_order"));
        assertEquals(List.of(785L, 800L), d.get("shape"));
        assertEquals(d, parse("{\"shape\":(785,800),\"fortran_order\":False,\"descr\":\"<f4\"}"));
        assertEquals(List.of(5L), parse("{'descr': '<f4', 'fortran_order': False, 'shape': (5,)}").get("shape"));
        assertEquals(List.of(), parse("{'descr': '<f4', 'fortran_order': False, 'shape': ()}").get("shape"));
    }

    @Test
    void refusesWhatNumpyRefusesAndKeysGivenTwice() {
        assertTrue(refusal("{'descr': '<f4', 'shape': (1, 2)}").contains("expected exactly [descr, fortran_order, shape]"));
        assertTrue(refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'x': 1}").contains("expected exactly"));
        assertTrue(refusal("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}")
                .contains("the key 'descr' appears twice"));
        assertTrue(refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)} trailing").contains("text after"));
        assertTrue(refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (1, -2)}").contains("expected a value"));
        assertTrue(refusal("{'descr': '<f4\\n', 'fortran_order': False, 'shape': (1, 2)}").contains("escaped string"));
        assertEquals(5L, parse("{'descr': '<f4', 'fortran_order': False, 'shape': (5)}").get("shape"),
                "(5) is the number 5 in Python, so Npy refuses it as a shape");
    }
}
