// A value echoed in an error stays on one line: newlines, tabs and terminal escapes are shown escaped.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class OneLineTest {
    @Test
    void controlCharactersAndLineSeparatorsAreEscaped() {
        assertEquals("1\\n", OneLine.of("1\n"));
        assertEquals("a\\r\\nb\\tc", OneLine.of("a\r\nb\tc"));
        assertEquals("red \\u001b[31m \\u0000 \\u0085 \\u2028", OneLine.of("red \u001b[31m \u0000 \u0085 \u2028"));
    }

    @Test
    void plainTextIsUnchanged() {
        String text = "--output /tmp/caf\u00e9 model.npz: 'x' is not an int";
        assertSame(text, OneLine.of(text));
        assertNull(OneLine.of(null));
    }
}
