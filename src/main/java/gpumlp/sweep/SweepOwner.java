// Which sweep a --sweep-dir belongs to: recorded once by the first combination to start, checked by every other.
package gpumlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Runs of two sweeps in one directory would resume and overwrite each other's run-NNNN (combination 0
 * of both) and mix in one report. So the directory holds {@value #FILE}: the sweep file's SHA-256,
 * its path and its number of combinations. The array tasks of a sweep start together, so the file is
 * written to a temporary file and then hard-linked into place, which fails if it is already there: the
 * first task's record stays whole, and every task then reads it back. A sweep file whose content
 * differs (another sweep, or the same file edited) is refused; the same content resumes.
 */
public final class SweepOwner {
    /** The record's name in the sweep directory. */
    public static final String FILE = ".gpu-mlp-sweep.json";
    private static final String FORMAT = "gpu-mlp-sweep-dir/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads the record strictly: data after its object means a damaged or foreign file, not a record. */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT = JSON.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_RECORD_BYTES = 1 << 16;

    private SweepOwner() {}

    /**
     * Records that {@code sweepDir} belongs to the sweep in {@code sweepFile} (of {@code combinations}
     * combinations), unless a record is there already; a record of another sweep is a {@link UserError}.
     */
    public static void claim(Path sweepDir, Path sweepFile, long combinations) {
        String hash = sha256(sweepFile);
        Path record = sweepDir.resolve(FILE);
        try {
            Files.createDirectories(sweepDir);
            if (!Files.exists(record)) {
                write(sweepDir, record, sweepFile, hash, combinations);
            }
        } catch (IOException e) {
            throw new UserError("cannot record the sweep in --sweep-dir " + sweepDir + ": " + IoErrors.describe(e), e);
        }
        JsonNode owner = read(record, sweepDir, sweepFile);
        if (!hash.equals(owner.path("sha256").asText())) {
            throw new UserError("--sweep-dir " + sweepDir + " holds the runs of another sweep (sweep file "
                    + owner.path("sweep_file").asText() + ", " + owner.path("combinations").asLong()
                    + " combinations) and sweep file " + sweepFile + " differs from it: use another --sweep-dir (an edited "
                    + "sweep file is another sweep)");
        }
    }

    /** Writes the record whole beside its place, then links it there; a task that was first keeps its record. */
    private static void write(Path sweepDir, Path record, Path sweepFile, String hash, long combinations) throws IOException {
        ObjectNode j = JSON.createObjectNode();
        j.put("format", FORMAT);
        j.put("sweep_file", sweepFile.toAbsolutePath().normalize().toString());
        j.put("sha256", hash);
        j.put("combinations", combinations);
        j.put("created", Instant.now().toString());
        // not createTempFile, whose mode 0600 would hide the record from the other users of a shared directory
        Path temp = sweepDir.resolve(FILE + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j), StandardOpenOption.CREATE_NEW);
            try {
                Files.createLink(record, temp); // atomic: fails when another task's record is there
            } catch (FileAlreadyExistsException e) {
                // another task was first: its record counts
            } catch (UnsupportedOperationException | IOException e) {
                // a file system without hard links: a rename that refuses to replace (two tasks may still
                // both pass its check in the same instant; the later one's record, whole too, then stays)
                try {
                    Files.move(temp, record);
                } catch (FileAlreadyExistsException taken) {
                    // another task was first
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static JsonNode read(Path record, Path sweepDir, Path sweepFile) {
        String fix = ": delete it if " + sweepDir + " holds only runs of sweep file " + sweepFile + ", or use another --sweep-dir";
        JsonNode j;
        if (Files.isSymbolicLink(record) && !Files.exists(record)) {
            throw new UserError("sweep record " + record + " is a dangling link (to " + target(record) + ")" + fix);
        }
        try {
            InputFiles.regularFile(record, "sweep record", MAX_RECORD_BYTES);
            j = STRICT.readTree(Files.readAllBytes(record));
        } catch (UserError e) {
            throw new UserError(e.getMessage() + fix, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            boolean trailing = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
                    && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token");
            throw new UserError("sweep record " + record + (trailing ? " is damaged: there is more after the end of its JSON "
                    + "object" + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")
                    : " is not valid JSON") + fix, e);
        } catch (IOException e) {
            throw new UserError("sweep record " + record + " cannot be read (" + IoErrors.describe(e).lines().findFirst()
                    .orElse("") + ")" + fix, e);
        }
        if (j == null || !FORMAT.equals(j.path("format").asText()) || !j.path("sha256").isTextual()) {
            throw new UserError("sweep record " + record + " is not a " + FORMAT + " record" + fix);
        }
        return j;
    }

    /** Where a link points, as written in it. */
    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "somewhere that cannot be read";
        }
    }

    /** The SHA-256 of the sweep file's bytes, in hex. */
    private static String sha256(Path sweepFile) {
        InputFiles.regularFile(sweepFile, "sweep file", Sweep.MAX_BYTES);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(sweepFile)));
        } catch (IOException e) {
            throw new UserError("cannot read sweep file " + sweepFile + ": " + IoErrors.describe(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
