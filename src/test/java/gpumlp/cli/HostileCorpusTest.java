// Runs every file of the committed hostile corpus (src/test/resources/hostile) through the CLI: one clear line each.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * cases.csv lists each file with how it is used, the exit code and a fragment of the message. A
 * failing command must print exactly one error line (two for a usage error: the message and the
 * pointer to --help), never a stack trace or an "internal error", and must not hang.
 */
class HostileCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/hostile");
    @TempDir
    static Path dir;
    static Path tinyModel;

    @BeforeAll
    static void trainTinyModel() {
        tinyModel = trainTiny(dir);
    }

    static Stream<Arguments> cases() throws IOException {
        return Files.readAllLines(CORPUS.resolve("cases.csv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\\|", -1))
                .map(f -> Arguments.of(f[0].strip(), f[1].strip(), f[2].strip(), Integer.parseInt(f[3].strip()), f[4].strip()));
    }

    @ParameterizedTest(name = "{0} {1} -> exit {3}")
    @MethodSource("cases")
    void eachHostileFileGetsItsExitCodeAndOneClearLine(String kind, String file, String target, int exit, String fragment)
            throws IOException {
        Path work = Files.createTempDirectory(dir, kind + "-" + file + "-");
        String[] args = command(kind, CORPUS.resolve(kind).resolve(file), target, work);
        CliTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliTest.run(args), "hangs");
        assertEquals(exit, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("gpu-mlp: ") && !l.startsWith("gpu-mlp: warning")
                && !l.startsWith("gpu-mlp: note")).toList();
        assertEquals(exit == 0 ? 0 : 1, errors.size(), r.err());
    }

    /** The command line that feeds the corpus file to the reader of its kind. */
    private static String[] command(String kind, Path file, String target, Path work) throws IOException {
        switch (kind) {
            case "idx" -> {
                Path data = Files.createDirectories(work.resolve("data"));
                try (Stream<Path> files = Files.list(Path.of(CliTest.SUBSET))) {
                    for (Path f : files.toList()) {
                        Files.copy(f, data.resolve(f.getFileName()));
                    }
                }
                Files.delete(data.resolve(target.endsWith(".gz") ? target : target + ".gz"));
                Files.copy(file, data.resolve(target), StandardCopyOption.REPLACE_EXISTING);
                return tinyTrain(data.toString(), "-o", work.resolve("m.npz").toString());
            }
            case "model" -> {
                return new String[] {"predict", "--device", "cpu", "--model", file.toString(), "--index", "0", "--data",
                        CliTest.SUBSET};
            }
            case "image" -> {
                return new String[] {"predict", "--device", "cpu", "--model", tinyModel.toString(), file.toString()};
            }
            case "checkpoint" -> {
                Path ck = Files.createDirectories(work.resolve("ck"));
                Files.copy(file, ck.resolve("checkpoint-e0001-s00000000.npz"));
                return tinyTrain(CliTest.SUBSET, "-o", work.resolve("m.npz").toString(), "--checkpoint-dir", ck.toString(),
                        "--resume");
            }
            case "sweep" -> {
                return tinyTrain(CliTest.SUBSET, "--sweep", file.toString(), "--sweep-index", "0", "--sweep-dir",
                        work.resolve("sweep").toString());
            }
            case "result" -> {
                Path run = Files.createDirectories(work.resolve("runs/run-0000"));
                Files.copy(file, run.resolve("result.json"));
                return new String[] {"report", work.resolve("runs").toString()};
            }
            default -> throw new IllegalArgumentException("unknown kind in cases.csv: " + kind);
        }
    }

    /** A train command on 50 samples with a 4-unit hidden layer, plus {@code more}; one epoch unless more says. */
    /** Trains the tiny model (tinyTrain on the subset, plus {@code more}) into {@code dir}/tiny.npz and returns its path. */
    static Path trainTiny(Path dir, String... more) {
        Path tiny = dir.resolve("tiny.npz");
        List<String> args = new java.util.ArrayList<>(List.of(more));
        args.addAll(List.of("-o", tiny.toString()));
        CliTest.Run r = CliTest.run(tinyTrain(CliTest.SUBSET, args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        return tiny;
    }

    static String[] tinyTrain(String data, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data, "--limit", "50",
                "--hidden", "4", "--device", "cpu", "--threads", "1", "--progress", "never"));
        args.addAll(List.of(more));
        if (!args.contains("--epochs")) {
            args.addAll(List.of("--epochs", "1"));
        }
        return args.toArray(String[]::new);
    }
}
