// Sweep files: combination N is the documented nested-loop order, values read as the command line takes them, mistakes named plainly.
package gpumlp.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path p = dir.resolve("sweep-" + System.nanoTime() + ".yaml");
        Files.writeString(p, text);
        return p;
    }

    private String refusal(String text) throws IOException {
        Path p = file(text);
        String m = assertThrows(UserError.class, () -> Sweep.read(p)).getMessage();
        assertTrue(m.startsWith("sweep file " + p), m);
        return m.substring(("sweep file " + p).length());
    }

    /** The example in Sweep's documentation, word for word. */
    @Test
    void theDocumentedExampleHasTwelveCombinationsInNestedLoopOrder() throws IOException {
        Path p = file("parameters:\n  lr: [0.05, 0.1, 0.2]\n  batch-size: [64, 128]\n  hidden: [\"800\", \"512,256\"]\n");
        Sweep s = Sweep.read(p);
        assertEquals(p, s.file());
        assertEquals(List.of("lr", "batch-size", "hidden"), s.names());
        assertEquals(12, s.size());
        assertEquals(Map.of("lr", "0.05", "batch-size", "64", "hidden", "800"), s.combination(0));
        assertEquals(Map.of("lr", "0.05", "batch-size", "64", "hidden", "512,256"), s.combination(1));
        assertEquals(Map.of("lr", "0.05", "batch-size", "128", "hidden", "800"), s.combination(2));
        assertEquals(Map.of("lr", "0.1", "batch-size", "64", "hidden", "800"), s.combination(4));
        assertEquals(Map.of("lr", "0.2", "batch-size", "128", "hidden", "512,256"), s.combination(11));
        assertEquals(List.of("lr", "batch-size", "hidden"), new ArrayList<>(s.combination(7).keySet()), "file order");
        Set<Map<String, String>> all = new HashSet<>();
        for (long i = 0; i < s.size(); i++) {
            all.add(s.combination(i));
        }
        assertEquals(12, all.size(), "every combination once");
    }

    @Test
    void combinationsOutsideTheSweepAreRefused() throws IOException {
        Sweep s = Sweep.read(file("parameters:\n  lr: [0.1, 0.2]\n  seed: [1, 2, 3]\n"));
        assertEquals(6, s.size());
        assertEquals("combination 6 of 6", assertThrows(IllegalArgumentException.class, () -> s.combination(6)).getMessage());
        assertEquals("combination -1 of 6", assertThrows(IllegalArgumentException.class, () -> s.combination(-1)).getMessage());
        assertEquals(Map.of("lr", "0.2", "seed", "3"), s.combination(5));
    }

    @Test
    void valuesAreReadAsTheCommandLineTakesThem() throws IOException {
        Sweep s = Sweep.read(file("{\"parameters\": {\"--hidden\": [[512, 256], 800], \"momentum\": 0.9, \"resume\": [true],"
                + " \"schedule\": \"cosine\"}}"));
        assertEquals(List.of("hidden", "momentum", "resume", "schedule"), s.names(), "leading dashes dropped; JSON is YAML");
        assertEquals(2, s.size(), "a single value is a list of one");
        assertEquals(Map.of("hidden", "512,256", "momentum", "0.9", "resume", "true", "schedule", "cosine"), s.combination(0));
        assertEquals("800", s.combination(1).get("hidden"));
    }

    @Test
    void aFileWithoutParametersSaysWhatItNeeds() throws IOException {
        String needs = " needs a 'parameters' map of option names to lists of values, e.g. parameters: {lr: [0.1, 0.2], "
                + "batch-size: [64, 128]}";
        assertEquals(needs, refusal(""));
        assertEquals(needs, refusal("lr: [0.1]\n"));
        assertEquals(needs, refusal("parameters: [0.1]\n"));
        assertEquals(needs, refusal("parameters: {}\n"));
    }

    @Test
    void mistakesInTheParametersAreNamed() throws IOException {
        assertEquals(": parameter 'lr' is listed twice", refusal("parameters:\n  lr: [0.1]\n  --lr: [0.2]\n"));
        assertEquals(": parameter 'lr' has no values", refusal("parameters:\n  lr: []\n"));
        assertEquals(": parameter 'lr' has a value that is not a number, a string or a list: null",
                refusal("parameters:\n  lr: [0.1, null]\n"));
        assertEquals(": parameter 'lr' has a value that is not a number, a string or a list: {\"a\":1}",
                refusal("parameters:\n  lr: [{a: 1}]\n"));
    }

    @Test
    void brokenYamlSaysWhere() throws IOException {
        String m = refusal("parameters:\n  lr: [0.1, 0.2\n");
        assertTrue(m.startsWith(" is not valid YAML or JSON (line "), m);
        assertTrue(m.matches(" is not valid YAML or JSON \\(line \\d+, column \\d+\\): .+"), m);
        assertTrue(m.lines().count() == 1, m);
    }

    @Test
    void theParsersErrorsAreSaidInWordsWithoutItsClassNames() throws IOException {
        for (String key : new String[] {"[lr]", "{a: 1}"}) {
            String m = refusal("parameters:\n  " + key + ": [0.1]\n");
            assertEquals(" is not valid YAML or JSON (line 2, column 4): a parameter name must be a plain word, not a list "
                    + "or mapping", m, key);
        }
        assertEquals(" is not valid YAML or JSON (line 3, column 1): expected ',' or ']', but got the end of the file",
                refusal("parameters:\n  lr: [0.1\n"), "the problem where it was found, not SnakeYAML's context");
        assertEquals(" is not valid YAML or JSON (line 3, column 2): expected the end of an indented block, but found a value",
                refusal("parameters:\n  lr: |\n x\n"));
        for (String text : new String[] {"parameters:\n\tlr: [1]\n", "parameters:\n  lr: \"abc\n", "a: 1\n- b\n",
                "parameters:\n  ? [a]\n  : 1\n", "parameters:\n  - lr\n  x: 1\n", "parameters: {lr: [1], }}\n"}) {
            String m = refusal(text);
            assertTrue(m.matches(" is not valid YAML or JSON \\(line \\d+, column \\d+\\): [^<>]+") && !m.contains("snakeyaml")
                    && !m.contains("while ") && !m.contains("Event") && !m.contains("Token"), m);
        }
    }

    @Test
    void anErrorOnTheFirstLineSaysLine1() throws IOException {
        assertEquals(" is not valid YAML or JSON (line 1, column 3): a parameter name must be a plain word, not a list or mapping",
                refusal("{[lr]: [0.1]}\n"));
    }

    @Test
    void aliasesAndDuplicateKeysAreRefused() throws IOException {
        assertEquals(" uses the YAML alias *rates (line 2): write the values out instead",
                refusal("rates: &rates [0.1, 0.2]\nparameters:\n  lr: *rates\n").replaceFirst("\\(line \\d+\\)", "(line 2)"));
        String m = refusal("parameters:\n  lr: [0.1]\n  lr: [0.2]\n");
        assertTrue(m.contains("is not valid YAML or JSON") && m.contains("lr"), m);
    }

    @Test
    void aFileThatIsNotUtf8TextIsRefusedInWords() throws IOException {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "parameters:\n  lr: [0.1]  # \u00e9lev\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String m = assertThrows(UserError.class, () -> Sweep.read(latin1)).getMessage();
        assertEquals("sweep file " + latin1 + " is not UTF-8 text (byte 0xE9 on line 2; Latin-1, UTF-16 or not text at all?): "
                + "save it as UTF-8", m);
        Path utf16 = dir.resolve("utf16.yaml");
        Files.write(utf16, "parameters:\n  lr: [0.1]\n".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertEquals("sweep file " + utf16 + " is UTF-16 text, not UTF-8: save it as UTF-8",
                assertThrows(UserError.class, () -> Sweep.read(utf16)).getMessage());
        Path bomOnly = dir.resolve("bom.yaml"); // an empty file saved as UTF-16: the byte-order mark alone
        Files.write(bomOnly, new byte[] {(byte) 0xFF, (byte) 0xFE});
        assertEquals("sweep file " + bomOnly + " is UTF-16 text, not UTF-8: save it as UTF-8",
                assertThrows(UserError.class, () -> Sweep.read(bomOnly)).getMessage());
    }

    @Test
    void aSecondDocumentIsRefusedNotIgnored() throws IOException {
        assertEquals(" holds a second YAML document (line 4): a sweep file is one document; put all the parameters in it",
                refusal("parameters:\n  lr: [0.1]\n---\nparameters:\n  lr: [0.2]\n"));
    }

    @Test
    void aByteOrderMarkAndDocumentMarkersAreFine() throws IOException {
        Path bom = dir.resolve("bom.yaml");
        Files.write(bom, "\ufeffparameters:\n  lr: [0.1, 0.2]\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, Sweep.read(bom).size());
        assertEquals(Map.of("lr", "0.3"), Sweep.read(file("---\nparameters:\n  lr: [0.3]\n...\n")).combination(0));
        assertEquals(Map.of("lr", "0.3"), Sweep.read(file("parameters:\n  lr: [0.3]  # caf\u00e9\n")).combination(0));
    }

    @Test
    void aMillionCombinationsIsTheMost() throws IOException {
        StringBuilder six = new StringBuilder("parameters:\n");
        for (int p = 0; p < 6; p++) {
            six.append("  p").append(p).append(": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
        }
        assertEquals(1_000_000, Sweep.read(file(six.toString())).size());
        Sweep big = Sweep.read(file(six.toString()));
        assertEquals(Map.of("p0", "9", "p1", "9", "p2", "9", "p3", "9", "p4", "9", "p5", "9"), big.combination(999_999));
        String m = refusal(six + "  p6: [0, 1]\n");
        assertEquals(" has 2000000 combinations, more than the 1,000,000 a sweep may have: split it into several files", m);
    }
}
