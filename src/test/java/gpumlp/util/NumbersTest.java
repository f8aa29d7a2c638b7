// Settings lines show numbers as written: no trailing zeros, floats by their own decimal, huge and tiny ones scientific.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {
    @Test
    void doublesArePlainWithinTheUsualRangeAndScientificOutside() {
        assertEquals("0.2", Numbers.plain(0.2));
        assertEquals("0", Numbers.plain(0.0));
        assertEquals("34", Numbers.plain(34.0));
        assertEquals("0.00001", Numbers.plain(1e-5));
        assertEquals("1E+30", Numbers.plain(1e30));
        assertEquals("1E-10", Numbers.plain(1e-10));
    }

    /** The plain range includes both of its ends; negative numbers follow their magnitude. */
    @Test
    void theRangeEndsArePlainAndNegativesFollowTheirMagnitude() {
        assertEquals("0.000000001", Numbers.plain(1e-9));
        assertEquals("1000000000000000", Numbers.plain(1e15));
        assertEquals("1E+16", Numbers.plain(1e16));
        assertEquals("-0.5", Numbers.plain(-0.5));
        assertEquals("-1E+30", Numbers.plain(-1e30));
        assertEquals("-1E-10", Numbers.plain(-1e-10));
        assertEquals("0.000000002", Numbers.plain(2e-9f));
        assertEquals("-1E-10", Numbers.plain(-1e-10f));
        assertEquals("1E+30", Numbers.plain(1e30f));
        assertEquals("0", Numbers.plain(0f));
    }

    @Test
    void floatsUseTheirOwnShortestDecimal() {
        assertEquals("0.1", Numbers.plain(0.1f));
        assertEquals("34", Numbers.plain(34f));
        assertEquals("2.5", Numbers.plain(2.5f));
        assertEquals("15", Numbers.plain(15f));
    }
}
