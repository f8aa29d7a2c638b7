// The result files a report found, each run once: a file reached through links (runs/best -> run-0001) counts once, by its plainest path.
package gpumlp.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** De-duplicates result files by their real path, keeping for each the path with the fewest links below the report's directory. */
final class ResultFiles {
    private ResultFiles() {}

    /** {@code files} (sorted, below {@code dir}) with each real file once, in their order. */
    static List<Path> distinct(Path dir, List<Path> files) {
        Map<Object, Path> byFile = new LinkedHashMap<>();
        for (Path f : files) {
            Object key = realPath(f);
            Path kept = byFile.get(key);
            if (kept == null || links(dir, f) < links(dir, kept)) {
                byFile.put(key, f); // a LinkedHashMap keeps the first key's place
            }
        }
        return new ArrayList<>(byFile.values());
    }

    /** The file's real path; one that cannot be resolved is its own (its error is reported when it is read). */
    private static Object realPath(Path f) {
        try {
            return f.toRealPath();
        } catch (IOException e) {
            return f;
        }
    }

    /** How many of the names between {@code dir} and {@code f} are symbolic links. */
    private static int links(Path dir, Path f) {
        int n = 0;
        Path p = dir;
        for (Path name : dir.relativize(f)) {
            p = p.resolve(name);
            if (Files.isSymbolicLink(p)) {
                n++;
            }
        }
        return n;
    }
}
