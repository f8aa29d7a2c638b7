// Hostile paths and environments: train's GPU_MLP_OUTPUT in other commands, lnk/.., control characters on stdout, non-ASCII digits.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostilePathsTest {
    @TempDir
    static Path dir;
    static Path tiny;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        dir = dir.toRealPath();
        tiny = HostileCorpusTest.trainTiny(dir);
    }

    private static Map<String, String> env(String... more) {
        return CliTest.envWith(more);
    }

    /**
     * A container image sets GPU_MLP_OUTPUT for its training job; deform-preview and export run in it
     * write their own kind of file (from their own variables), never a PNG or ONNX over the model.
     */
    @Test
    void trainsOutputVariableNeverReplacesTheModelInOtherCommands() throws IOException {
        Path work = Files.createDirectories(dir.resolve("env"));
        Path model = work.resolve("model.npz");
        Files.copy(tiny, model);
        byte[] before = Files.readAllBytes(model);
        Path png = work.resolve("preview.png");
        CliTest.Run preview = CliTest.run(env("GPU_MLP_OUTPUT", model.toString(), "GPU_MLP_DEFORM_PREVIEW_OUTPUT",
                png.toString()), "deform-preview", "--data", CliTest.SUBSET, "--rotate", "10", "--count", "2");
        assertEquals(0, preview.code(), preview.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is still the model");
        assertTrue(Files.size(png) > 0, "the preview went to GPU_MLP_DEFORM_PREVIEW_OUTPUT");

        Path copy = work.resolve("copy.npz");
        Files.copy(tiny, copy);
        CliTest.Run export = CliTest.run(env("GPU_MLP_OUTPUT", model.toString()), "export", "--model", copy.toString());
        assertEquals(0, export.code(), export.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is still the model");
        assertTrue(Files.exists(work.resolve("copy.onnx")), "export wrote its default, next to the model it read");

        Path onnx = work.resolve("chosen.onnx");
        CliTest.Run chosen = CliTest.run(env("GPU_MLP_EXPORT_OUTPUT", onnx.toString()), "export", "--model", copy.toString());
        assertEquals(0, chosen.code(), chosen.err());
        assertTrue(Files.exists(onnx), chosen.out());

        CliTest.Run bad = CliTest.run(env("GPU_MLP_EXPORT_OUTPUT", work.toString()), "export", "--model", copy.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("(set by GPU_MLP_EXPORT_OUTPUT=" + work + " in the environment)"), bad.err());
    }

    /** With lnk -> a/b, lnk/.. is a (as ls shows it), for the data directory and for an output alike. */
    @Test
    void dotDotAfterALinkIsWhereTheFileSystemSaysItIs() throws IOException {
        Path work = Files.createDirectories(dir.resolve("dotdot"));
        Files.createDirectories(work.resolve("a/b"));
        Path ds = Files.createDirectories(work.resolve("a/ds"));
        try (var files = Files.list(Path.of(CliTest.SUBSET))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, ds.resolve(f.getFileName()));
            }
        }
        Path lnk = Files.createSymbolicLink(work.resolve("lnk"), Path.of("a/b"));
        CliTest.Run r = CliTest.run(HostileCorpusTest.tinyTrain(lnk.resolve("../ds").toString(), "-o",
                lnk.resolve("../x.npz").toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(work.resolve("a/x.npz")), "the model is in a, where lnk/.. is");
        assertFalse(Files.exists(work.resolve("x.npz")), "not next to the link");

        CliTest.Run export = CliTest.run("export", "--model", work.resolve("a/x.npz").toString(), "-o",
                lnk.resolve("../x.onnx").toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.isRegularFile(work.resolve("a/x.onnx")));
        assertFalse(Files.exists(work.resolve("x.onnx")));

        // lnk/../x.npz is a/x.npz, another file than x.npz next to the link
        CliTest.Run other = CliTest.run("export", "--model", lnk.resolve("../x.npz").toString(), "-o",
                work.resolve("x.npz").toString());
        assertEquals(0, other.code(), other.err());
    }

    /** A path echoed on standard output stays on one line, its control characters escaped as on standard error. */
    @Test
    void standardOutputEscapesControlCharactersOfPaths() throws IOException {
        Path work = Files.createDirectories(dir.resolve("ctl"));
        Path model = work.resolve("m\u0007\n.npz");
        CliTest.Run r = CliTest.run(HostileCorpusTest.tinyTrain(CliTest.SUBSET, "-o", model.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(model));
        assertFalse(r.out().contains("\u0007"), r.out());
        assertTrue(r.out().contains("model saved to " + work + "/m\\u0007\\n.npz"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.equals(".npz")), "the path is not broken over lines: " + r.out());

        CliTest.Run export = CliTest.run("export", "--model", model.toString());
        assertEquals(0, export.code(), export.err());
        assertFalse(export.out().contains("\u0007"), export.out());
        assertEquals(1, export.out().lines().count(), export.out());
    }

    /** Whole numbers take ASCII digits only: Java's own parsing also takes full-width or Arabic-Indic digits. */
    @ParameterizedTest
    @ValueSource(strings = {"--hidden=\uff11\uff16", "--epochs=\uff11", "--batch-size=\u0661\u0666", "--patience=\uff12",
        "--hidden=16,\uff18", "--validation=\uff10.5"})
    void nonAsciiDigitsAreRefused(String option) {
        CliTest.Run r = CliTest.run(env(), "train", "--data", CliTest.SUBSET, "--limit", "50", "--device", "cpu", "--threads", "1",
                "--progress", "never", option, "-o", dir.resolve("never.npz").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("gpu-mlp: Invalid value for option '" + option.substring(0, option.indexOf('='))), r.err());
        assertFalse(Files.exists(dir.resolve("never.npz")));
    }
}
