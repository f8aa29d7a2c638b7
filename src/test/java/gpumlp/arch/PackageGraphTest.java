// The packages of src/main form a graph without cycles: a package never imports one that imports it.
package gpumlp.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
    private static final Path ROOT = Path.of("src/main/java/gpumlp");
    /** A use of another package of ours: an import or a fully qualified name. */
    private static final Pattern USE = Pattern.compile("\\bgpumlp\\.([a-z]+)\\.[A-Z]");

    @Test
    void packagesFormNoCycle() throws IOException {
        Map<String, Set<String>> uses = graph();
        List<String> cycles = new ArrayList<>();
        for (String p : uses.keySet()) {
            for (String q : uses.get(p)) {
                if (p.compareTo(q) < 0 && reaches(uses, q, p, new TreeSet<>())) {
                    cycles.add(p + " <-> " + q);
                }
            }
        }
        assertEquals(List.of(), cycles, "package graph " + uses);
    }

    @Test
    void theSeamKnowsNoBackend() throws IOException {
        Set<String> backend = graph().getOrDefault("backend", Set.of());
        assertEquals(false, backend.contains("cpu") || backend.contains("gpu"), "backend uses " + backend);
    }

    @Test
    void detectsACycleWhenOneIsThere() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
        assertEquals(true, reaches(g, "b", "a", new TreeSet<>()));
        assertEquals(false, reaches(Map.of("a", Set.of("b"), "b", Set.of()), "b", "a", new TreeSet<>()));
    }

    /** package -> packages of ours it uses (itself excluded); files directly in gpumlp/ are package "". */
    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                Path rel = ROOT.relativize(f.getParent() == null ? f : f.getParent());
                String pkg = rel.toString().replace('/', '.');
                Set<String> out = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : g.getOrDefault(from, Set.of())) {
            if (reaches(g, next, to, seen)) {
                return true;
            }
        }
        return false;
    }
}
