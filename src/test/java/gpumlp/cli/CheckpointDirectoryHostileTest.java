// A checkpoint directory others can write into: a planted link is never written through, and a checkpoint the run cannot use is never replaced.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirectoryHostileTest {
    @TempDir
    Path dir;

    private CliTest.Run train(Path ck, int epochs, String... more) {
        String[] args = HostileCorpusTest.tinyTrain(CliTest.SUBSET, "--epochs", String.valueOf(epochs), "--checkpoint-dir",
                ck.toString(), "-o", dir.resolve("m.npz").toString());
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliTest.run(all);
    }

    @Test
    void aLinkUnderACheckpointNameIsNeverWrittenThrough() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "precious\n");
        Path ck = dir.resolve("ck");
        assertEquals(0, train(ck, 1).code());
        Path link = Files.createSymbolicLink(ck.resolve("checkpoint-e0002-s00000000.npz"), Path.of("../notes.txt"));
        CliTest.Run r = train(ck, 2, "--resume");
        assertEquals(0, r.code(), r.err());
        assertEquals("precious\n", Files.readString(notes), "the file the link names is left alone");
        assertTrue(r.err().contains("gpu-mlp: warning: skipping checkpoint " + link + ": "), r.err());
        assertTrue(r.err().contains("resuming after epoch 1 from " + ck), r.err());
        Path kept = ck.resolve("checkpoint-e0002-s00000000.npz.skipped");
        assertTrue(Files.isSymbolicLink(kept), "the link is moved out of the way, itself");
        assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the run's own epoch 2 checkpoint is a new file");
    }

    /** Train 3 epochs, keep only the last, and make it another version's: the run must neither start over nor replace it. */
    @Test
    void aDirectoryWhoseOnlyCheckpointIsUnusableIsRefusedAndLeftAsItIs() throws IOException {
        Path ck = dir.resolve("ck");
        assertEquals(0, train(ck, 3).code());
        Files.delete(ck.resolve("checkpoint-e0001-s00000000.npz"));
        Files.delete(ck.resolve("checkpoint-e0002-s00000000.npz"));
        Path only = ck.resolve("checkpoint-e0003-s00000000.npz");
        rewriteJson(only, "\"format\":\"gpu-mlp-checkpoint/2\"", "\"format\":\"gpu-mlp-checkpoint/3\"");
        byte[] before = Files.readAllBytes(only);
        CliTest.Run r = train(ck, 3, "--resume");
        assertEquals(1, r.code(), r.err());
        assertEquals("gpu-mlp: warning: skipping checkpoint " + only + ": it has format 'gpu-mlp-checkpoint/3', expected "
                + "gpu-mlp-checkpoint/2\ngpu-mlp: checkpoint directory " + ck + " holds a checkpoint this run cannot use (see "
                + "the warning): move it away, or use another --checkpoint-dir; a run never replaces one\n", r.err());
        assertArrayEquals(before, Files.readAllBytes(only));
    }

    /** Replaces text in the checkpoint's checkpoint.json, keeping every other entry. */
    private static void rewriteJson(Path checkpoint, String from, String to) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(checkpoint.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        String json = new String(entries.get("checkpoint.json"), StandardCharsets.UTF_8);
        assertTrue(json.contains(from), json);
        entries.put("checkpoint.json", json.replace(from, to).getBytes(StandardCharsets.UTF_8));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(checkpoint))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
            }
        }
    }
}
