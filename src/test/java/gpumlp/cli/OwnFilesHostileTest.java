// Outputs that would destroy what the run reads or keeps (data, sweep file, checkpoints, lock), long names, links.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnFilesHostileTest {
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";

    @TempDir
    static Path dir;
    /** A copy of the subset, so that a failed test cannot destroy the repository's data. */
    static Path data;

    @BeforeAll
    static void copyData() throws IOException {
        data = Files.createDirectories(dir.resolve("ds"));
        try (Stream<Path> files = Files.list(Path.of(CliTest.SUBSET))) {
            for (Path f : files.toList()) {
                Files.copy(f, data.resolve(f.getFileName()));
            }
        }
    }

    private static CliTest.Run train(String... more) {
        return CliTest.run(HostileCorpusTest.tinyTrain(data.toString(), more));
    }

    private static Map<String, byte[]> contents(Path d) throws IOException {
        Map<String, byte[]> all = new TreeMap<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.toList()) {
                all.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return all;
    }

    private static void refusedBeforeTraining(CliTest.Run r, String fragment) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.out().contains("epoch"), "refused before any training: " + r.out());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static void assertSameContents(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name + " is unchanged"));
    }

    @Test
    void noTrainOutputMayBeADataFileHoweverItIsSpelled() throws IOException {
        Map<String, byte[]> before = contents(data);
        Path images = data.resolve(TRAIN_IMAGES);
        Path viaDirectoryLink = Files.createSymbolicLink(dir.resolve("ds-link"), data).resolve(TRAIN_IMAGES);
        Path viaFileLink = Files.createSymbolicLink(dir.resolve("images-link.npz"), images);
        Path hardLink = Files.createLink(dir.resolve("images-hard.npz"), images);
        Path dotted = dir.resolve("ds/../ds").resolve("t10k-labels-idx1-ubyte.gz");
        for (String option : new String[] {"-o", "--metrics", "--plot", "--result", "--onnx"}) {
            for (Path p : new Path[] {images, viaDirectoryLink, viaFileLink, hardLink, dotted}) {
                String[] args = option.equals("-o") ? new String[] {option, p.toString()}
                        : new String[] {"-o", dir.resolve("m.npz").toString(), option, p.toString()};
                refusedBeforeTraining(train(args), " is the data file " + data.resolve(p == dotted
                        ? "t10k-labels-idx1-ubyte.gz" : TRAIN_IMAGES) + " itself: give another name");
            }
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("GPU_MLP_METRICS", images.toString());
        refusedBeforeTraining(CliTest.run(env, HostileCorpusTest.tinyTrain(data.toString(), "-o", dir.resolve("m.npz").toString())),
                "--metrics " + images + " is the data file " + images + " itself");
        assertSameContents(before, contents(data));
        assertFalse(Files.exists(dir.resolve("m.npz")));
    }

    @Test
    void aDeformPreviewMayNotReplaceADataFile() throws IOException {
        Map<String, byte[]> before = contents(data);
        for (String name : new String[] {TRAIN_IMAGES, "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"}) {
            CliTest.Run r = CliTest.run("deform-preview", "--data", data.toString(), "--rotate", "15", "--count", "1",
                    "-o", data.resolve(name).toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--output " + data.resolve(name) + " is the data file " + data.resolve(name) + " itself"),
                    r.err());
        }
        assertSameContents(before, contents(data));
    }

    @Test
    void aSweepsPlotMayNotReplaceTheSweepFileTheOtherArrayTasksRead() throws IOException {
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "parameters:\n  lr: [0.1, 0.2]\n");
        Path sweepDir = dir.resolve("sweep-runs");
        CliTest.Run r = CliTest.run(HostileCorpusTest.tinyTrain(data.toString(), "--sweep", sweep.toString(), "--sweep-index",
                "0", "--sweep-dir", sweepDir.toString(), "--plot", sweep.toString()));
        refusedBeforeTraining(r, "--plot " + sweep + ": in a sweep, --plot takes a file name such as curves.png");
        assertEquals("parameters:\n  lr: [0.1, 0.2]\n", Files.readString(sweep));
        assertFalse(Files.exists(sweepDir), "refused before the run's directory is made");
        Path inRunDir = Files.createDirectories(dir.resolve("sweep-runs2/run-0000")).resolve("result.json");
        Files.copy(sweep, inRunDir);
        CliTest.Run own = CliTest.run(HostileCorpusTest.tinyTrain(data.toString(), "--sweep", inRunDir.toString(),
                "--sweep-index", "0", "--sweep-dir", dir.resolve("sweep-runs2").toString()));
        refusedBeforeTraining(own, "the run's " + inRunDir + " is the sweep file");
        assertEquals("parameters:\n  lr: [0.1, 0.2]\n", Files.readString(inRunDir));
    }

    @Test
    void noOutputMayBeTheCheckpointDirectorysLockOrTakeACheckpointsName() throws IOException {
        Path ck = dir.resolve("ck-own");
        assertEquals(0, train("-o", dir.resolve("ck-own.npz").toString(), "--checkpoint-dir", ck.toString()).code());
        Map<String, byte[]> before = contents(ck);
        Path checkpoint = ck.resolve("checkpoint-e0001-s00000000.npz");
        assertTrue(before.containsKey(checkpoint.getFileName().toString()), before.keySet().toString());
        Path ckLink = Files.createSymbolicLink(dir.resolve("ck-own-link"), ck);
        refusedBeforeTraining(train("-o", ck.resolve(".gpu-mlp.lock").toString(), "--checkpoint-dir", ck.toString(), "--resume"),
                "--output " + ck.resolve(".gpu-mlp.lock") + " is the lock file of --checkpoint-dir " + ck + ": give another name");
        refusedBeforeTraining(train("-o", checkpoint.toString(), "--checkpoint-dir", ck.toString(), "--resume"),
                "--output " + checkpoint + " is named like a checkpoint in --checkpoint-dir " + ck);
        refusedBeforeTraining(train("-o", dir.resolve("x.npz").toString(), "--metrics",
                ckLink.resolve("checkpoint-e0002-s00000000.npz").toString(), "--checkpoint-dir", ck.toString(), "--resume",
                "--epochs", "2"), "is named like a checkpoint in --checkpoint-dir " + ck);
        Path fresh = dir.resolve("ck-fresh"); // not made yet: its names are refused all the same
        refusedBeforeTraining(train("--plot", fresh.resolve(".gpu-mlp.lock").toString(), "-o", dir.resolve("y.npz").toString(),
                "--checkpoint-dir", fresh.toString()), "is the lock file of --checkpoint-dir " + fresh);
        assertFalse(Files.exists(fresh));
        assertSameContents(before, contents(ck));
    }

    @Test
    void aLockFileThatIsALinkIsRefusedAndWhatItNamesIsLeftAlone() throws IOException {
        Path ck = Files.createDirectories(dir.resolve("ck-trap"));
        Path precious = Files.writeString(dir.resolve("precious.txt"), "precious\n");
        Files.createSymbolicLink(ck.resolve(".gpu-mlp.lock"), precious);
        CliTest.Run r = train("-o", dir.resolve("trap.npz").toString(), "--checkpoint-dir", ck.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("gpu-mlp: checkpoint directory " + ck + " has a symbolic link as its lock file (" + ck.resolve(".gpu-mlp.lock")
                + " -> " + precious + "): remove the link; a run never writes through one there", r.err().strip());
        assertEquals("precious\n", Files.readString(precious));
        assertFalse(Files.exists(dir.resolve("trap.npz")));
    }

    @Test
    void aModelNameAsLongAsTheFileSystemAllowsIsSaved() throws IOException {
        String name = "b".repeat(251) + ".npz"; // 255 bytes, the limit of ext4, xfs, tmpfs, ...
        Path model = dir.resolve(name);
        CliTest.Run r = train("-o", model.toString(), "--metrics", dir.resolve("m".repeat(249) + ".jsonl").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(model));
        Path onnx = dir.resolve("c".repeat(250) + ".onnx");
        CliTest.Run export = CliTest.run("export", "--model", model.toString(), "-o", onnx.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.isRegularFile(onnx));
    }

    @Test
    void anOutputLinkIntoAMissingDirectoryIsRefusedAndTheDirectoryIsNotMade() throws IOException {
        Path gone = dir.resolve("gone");
        Path link = Files.createSymbolicLink(dir.resolve("dangling.npz"), gone.resolve("dir/x.npz"));
        refusedBeforeTraining(train("-o", link.toString()), "--output " + link + " is a symbolic link to " + gone.resolve("dir/x.npz")
                + ", whose directory " + gone.resolve("dir") + " does not exist: create that directory, or give another name");
        assertFalse(Files.exists(gone), "nothing is created where the link points");
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aRunWithoutItsDataLeavesNoCheckpointDirectoryBehind() throws IOException {
        Path ck = dir.resolve("ck-no-data");
        CliTest.Run r = CliTest.run(HostileCorpusTest.tinyTrain(dir.resolve("no-data").toString(), "-o",
                dir.resolve("nd.npz").toString(), "--checkpoint-dir", ck.resolve("sub").toString()));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("data directory " + dir.resolve("no-data") + " does not exist"), r.err());
        assertFalse(Files.exists(ck), "neither the directory nor its lock file is made");
        Path partial = Files.createDirectories(dir.resolve("partial"));
        for (String name : new String[] {TRAIN_IMAGES, "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"}) {
            Files.copy(data.resolve(name), partial.resolve(name));
        }
        Files.createFile(partial.resolve("t10k-labels-idx1-ubyte")); // empty
        CliTest.Run empty = CliTest.run(HostileCorpusTest.tinyTrain(partial.toString(), "-o", dir.resolve("nd.npz").toString(),
                "--checkpoint-dir", ck.toString()));
        assertEquals(1, empty.code(), empty.err());
        assertTrue(empty.err().contains(partial.resolve("t10k-labels-idx1-ubyte") + ": file is empty"), empty.err());
        assertFalse(Files.exists(ck), "found before the directory is made, not after the training data is read");
    }
}
