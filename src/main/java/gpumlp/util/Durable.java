// Forces written bytes and directory entries to the storage device: what survives a power loss, which no test can observe.
package gpumlp.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The fsync calls of {@link AtomicFiles}, kept apart because their effect shows only after a crash
 * or power loss: a test of the running process reads the same bytes with or without them. (The
 * mutation-testing profile leaves these calls unmutated for that reason.)
 */
final class Durable {
    private Durable() {
    }

    /** The file's content and metadata on the device before it is renamed into place. */
    static void force(FileChannel ch) throws IOException {
        ch.force(true);
    }

    /** Makes a rename in {@code dir} durable; best effort, as not every platform can open a directory. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the data is already on disk; only the directory entry's durability is at stake
        }
    }
}
