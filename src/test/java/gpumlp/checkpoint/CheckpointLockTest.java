// One run at a time per checkpoint directory: a second one is told who holds it, the lock goes with its holder, and the owner line is fresh.
package gpumlp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLockTest {
    private static final String OWNER = "pid " + ProcessHandle.current().pid() + " on ";

    @TempDir
    Path dir;

    @Test
    void aSecondRunIsToldWhoHoldsTheDirectoryUntilTheFirstLetsGo() throws IOException {
        Path ck = dir.resolve("runs/ck");
        try (CheckpointLock first = CheckpointLock.take(ck)) {
            String owner = Files.readString(ck.resolve(CheckpointLock.FILE));
            assertTrue(owner.startsWith(OWNER) && owner.endsWith("\n") && owner.length() > OWNER.length() + 1, owner);
            UserError e = assertThrows(UserError.class, () -> CheckpointLock.take(ck));
            assertEquals("checkpoint directory " + ck + " is in use by another run (" + owner.strip()
                    + "): wait for it to end, or use another --checkpoint-dir", e.getMessage());
        }
        try (CheckpointLock again = CheckpointLock.take(ck)) {
            assertTrue(Files.readString(ck.resolve(CheckpointLock.FILE)).startsWith(OWNER), "free again once closed");
        }
    }

    @Test
    void aHolderThatLeftNoOwnerLineIsStillAHolder() throws IOException {
        try (CheckpointLock first = CheckpointLock.take(dir)) {
            Files.writeString(dir.resolve(CheckpointLock.FILE), "");
            UserError e = assertThrows(UserError.class, () -> CheckpointLock.take(dir));
            assertEquals("checkpoint directory " + dir + " is in use by another run: wait for it to end, or use another "
                    + "--checkpoint-dir", e.getMessage());
        }
    }

    @Test
    void anOldOwnerLineIsReplacedWhole() throws IOException {
        Path file = dir.resolve(CheckpointLock.FILE);
        Files.writeString(file, "pid 99999999 on a-host-with-a-very-long-name-left-by-a-killed-run\n");
        try (CheckpointLock lock = CheckpointLock.take(dir)) {
            String owner = Files.readString(file);
            assertTrue(owner.startsWith(OWNER), owner);
            assertEquals(1, owner.lines().count(), owner);
            assertTrue(!owner.contains("a-host-with-a-very-long-name"), owner);
        }
    }

    @Test
    void aDirectoryThatCannotBeMadeOrLockedIsAClearError() throws IOException {
        Path blocked = Files.writeString(dir.resolve("blocked"), "a file");
        UserError made = assertThrows(UserError.class, () -> CheckpointLock.take(blocked.resolve("ck")));
        assertTrue(made.getMessage().startsWith("cannot create checkpoint directory " + blocked.resolve("ck") + ": "),
                made.getMessage());
        Files.createDirectories(dir.resolve("ck").resolve(CheckpointLock.FILE)); // a directory where the lock file goes
        UserError locked = assertThrows(UserError.class, () -> CheckpointLock.take(dir.resolve("ck")));
        assertEquals("checkpoint directory " + dir.resolve("ck") + " has a lock file " + dir.resolve("ck")
                .resolve(CheckpointLock.FILE) + " that is a directory, not a regular file: remove it; a run makes its own",
                locked.getMessage());
    }

    /** A FIFO opens for reading and writing without blocking, then failed to truncate: "Illegal seek". */
    @Test
    void aLockFileThatIsAFifoIsRefusedInWords() throws IOException {
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path fifo = gpumlp.util.SpecialFiles.fifo(ck.resolve(CheckpointLock.FILE));
        UserError e = assertThrows(UserError.class, () -> CheckpointLock.take(ck));
        assertEquals("checkpoint directory " + ck + " has a lock file " + fifo + " that is a FIFO (named pipe), not a "
                + "regular file: remove it; a run makes its own", e.getMessage());
    }
    /** Anyone who can write into a shared directory could plant a link there to make a run overwrite another file. */
    @Test
    void aLockFileThatIsALinkIsRefusedAndTheFileItNamesIsLeftAlone() throws IOException {
        Path precious = Files.writeString(dir.resolve("precious.txt"), "precious\n");
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path lock = Files.createSymbolicLink(ck.resolve(CheckpointLock.FILE), precious);
        UserError symbolic = assertThrows(UserError.class, () -> CheckpointLock.take(ck));
        assertEquals("checkpoint directory " + ck + " has a symbolic link as its lock file (" + lock + " -> " + precious
                + "): remove the link; a run never writes through one there", symbolic.getMessage());
        assertEquals("precious\n", Files.readString(precious));
        Files.delete(lock);
        Files.createLink(lock, precious);
        UserError hard = assertThrows(UserError.class, () -> CheckpointLock.take(ck));
        assertEquals("checkpoint directory " + ck + " has a lock file " + lock + " with 1 other hard link: remove it; a run "
                + "never writes into a file another name shares", hard.getMessage());
        assertEquals("precious\n", Files.readString(precious));
        Files.delete(lock);
        try (CheckpointLock taken = CheckpointLock.take(ck)) {
            assertTrue(Files.readString(lock).startsWith(OWNER), "a plain lock file is made again");
        }
    }

    @Test
    void theOwnerLineNamesTheHostEvenWithoutProc() throws IOException {
        Path hostname = Files.writeString(dir.resolve("hostname"), "node-7\n");
        assertEquals("node-7", CheckpointLock.host(hostname, "from-env"));
        Path none = dir.resolve("no-such-file");
        assertEquals("from-env", CheckpointLock.host(none, "from-env"));
        assertEquals("this host", CheckpointLock.host(none, null));
        assertEquals("this host", CheckpointLock.host(none, " "));
    }
}
