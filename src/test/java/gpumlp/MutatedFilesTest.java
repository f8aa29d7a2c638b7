// Property test: valid IDX, .npy, .npz and checkpoint bytes mutated at random load or fail with a clear error, fast and small.
package gpumlp;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import gpumlp.data.Idx;
import gpumlp.data.IdxBytes;
import gpumlp.model.HeInit;
import gpumlp.model.ModelFile;
import gpumlp.model.ModelMetadata;
import gpumlp.model.Network;
import gpumlp.model.Npy;
import gpumlp.checkpoint.CheckpointFile;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import gpumlp.train.TrainState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each format gets {@value #TRIES} tries with a fixed seed (so a failure names the try that
 * reproduces it): one to four mutations of a valid file (bit flips, bytes set to boundary values,
 * big 32-bit numbers written over the bytes, insertions, deletions, duplicated ranges, truncation).
 * Every outcome must be a successful load or a {@link UserError} whose message is one line naming
 * the file; never another exception, never more than {@link #allowance} bytes allocated for a
 * try, and all tries of a format within a minute.
 */
class MutatedFilesTest {
    static final int TRIES = 400;
    private static final int[] SIZES = {16, 3, 10};

    @TempDir
    static Path dir;

    /** The formats and how one file of each is read. */
    enum Format {
        IDX {
            byte[] valid(Path tmp) {
                return IdxBytes.ubyte(IdxBytes.ramp(20 * 16), 20, 4, 4);
            }

            void read(Path file) {
                Idx.read(file);
            }
        },
        IDX_GZIP {
            byte[] valid(Path tmp) throws IOException {
                return IdxBytes.gzip(IDX.valid(tmp));
            }

            void read(Path file) {
                Idx.read(file, 5);
            }
        },
        NPY {
            byte[] valid(Path tmp) {
                return Npy.toBytes(5, 3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
            }

            void read(Path file) throws IOException {
                Npy.read(new ByteArrayInputStream(Files.readAllBytes(file)), file.toString());
            }
        },
        MODEL_NPZ {
            byte[] valid(Path tmp) throws IOException {
                Path p = tmp.resolve("valid-model.npz");
                ModelFile.save(p, HeInit.initialise(SIZES, 3), ModelMetadata.create(SIZES, 4, 4, Map.of("lr", 0.1),
                        Map.of("train-images-idx3-ubyte", "ab".repeat(32)), "1.0"));
                return Files.readAllBytes(p);
            }

            void read(Path file) {
                ModelFile.load(file);
            }
        },
        CHECKPOINT {
            byte[] valid(Path tmp) throws IOException {
                Network w = HeInit.initialise(SIZES, 4);
                float[][] v = new float[w.layers()][];
                for (int l = 1; l <= w.layers(); l++) {
                    v[l - 1] = w.weights(l).clone();
                }
                TrainState s = new TrainState(1, 8, 1.5, 3, 0.25, w, v,
                        List.of(new EpochRecord(1, 0.1, 2.0, 0.5, HeldOut.validation, 1.9, 0.55, 0.2, 40)), 1,
                        HeInit.initialise(SIZES, 5));
                Path p = tmp.resolve("valid-checkpoint.npz");
                CheckpointFile.save(p, s, Map.of("lr", 0.1, "hidden", List.of(3)), Map.of("a", "ab".repeat(32)));
                return Files.readAllBytes(p);
            }

            void read(Path file) {
                CheckpointFile.load(file);
            }
        };

        abstract byte[] valid(Path tmp) throws IOException;

        abstract void read(Path file) throws IOException;
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void mutatedFilesLoadOrFailWithOneClearLine(Format format) throws IOException {
        byte[] valid = format.valid(dir);
        format.read(write(format + "-valid", valid)); // the unmutated file loads
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int t = 0; t < TRIES; t++) {
                Random random = new Random(format.ordinal() * 1_000_003L + t);
                List<String> what = new ArrayList<>();
                byte[] bytes = mutate(valid, random, what);
                Path file = write(format + "-" + t, bytes);
                long before = allocated();
                try {
                    format.read(file);
                } catch (UserError e) {
                    String m = e.getMessage();
                    if (m == null || m.isBlank() || m.contains("\n") || !m.contains(file.getFileName().toString())
                            || m.contains("Exception")) {
                        fail(format + " try " + t + " " + what + ": unclear message: " + m);
                    }
                } catch (Throwable e) {
                    throw new AssertionError(format + " try " + t + " " + what + ": " + e, e);
                }
                long used = allocated() - before;
                if (used > allowance(bytes.length)) {
                    fail(format + " try " + t + " " + what + ": allocated " + used + " bytes for a " + bytes.length
                            + "-byte file");
                }
                Files.delete(file);
            }
        });
    }

    /** Bytes a read may allocate: a fixed amount for buffers and parsers plus a multiple of the file. */
    static long allowance(int fileBytes) {
        return (16L << 20) + 64L * fileBytes;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Bytes allocated so far by this thread (HotSpot's counter). */
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static final int[] BOUNDARY_BYTES = {0, 1, 0x7f, 0x80, 0xff, '9', '-', '"', ',', '[', '{'};
    private static final int[] BIG_NUMBERS = {0x7fffffff, 0xffffffff, 0x80000000, 1 << 20, 1 << 28, -1, 0};

    /** One to four random mutations of {@code valid}; {@code what} records them for the failure message. */
    static byte[] mutate(byte[] valid, Random r, List<String> what) {
        byte[] b = valid.clone();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            int at = b.length == 0 ? 0 : r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << r.nextInt(8));
                        what.add("flip@" + at);
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[at] = (byte) BOUNDARY_BYTES[r.nextInt(BOUNDARY_BYTES.length)];
                        what.add("set@" + at);
                    }
                }
                case 2 -> {
                    int v = BIG_NUMBERS[r.nextInt(BIG_NUMBERS.length)];
                    boolean little = r.nextBoolean();
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) (little ? v >>> (8 * k) : v >>> (24 - 8 * k));
                    }
                    what.add("int" + (little ? "LE" : "BE") + "@" + at + "=" + v);
                }
                case 3 -> {
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                    b = splice(b, at, 0, ins);
                    what.add("insert" + ins.length + "@" + at);
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = splice(b, at, len, new byte[0]);
                    what.add("delete" + len + "@" + at);
                }
                case 5 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, at + len));
                    what.add("duplicate" + len + "@" + at);
                }
                default -> {
                    b = java.util.Arrays.copyOf(b, at);
                    what.add("truncate@" + at);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
