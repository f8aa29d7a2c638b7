// The GPU session's prepared script: there, executable, valid bash, every step known; the twin's Python compiles and its NumPy tests pass.
package gpumlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchScriptsTest {
    private static final Path SCRIPT = Path.of("src/bench/device-run.sh");
    private static final List<String> PYTHON = List.of("twin_common.py", "deform_twin.py", "summarise.py",
            "test_twin_common.py", "test_summarise.py");

    @TempDir
    Path out;

    /** Runs a command in the project root with OUT set; returns its exit code and output, or null when it cannot start. */
    private String[] run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
            b.environment().put("OUT", out.toString());
            p = b.start();
        } catch (IOException e) {
            return null;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void theDeviceScriptIsExecutableValidBashAndKnowsEveryStep() throws Exception {
        assertTrue(Files.isExecutable(SCRIPT), SCRIPT + " is executable");
        String text = Files.readString(SCRIPT);
        assertTrue(text.startsWith("#!/usr/bin/env bash\n# "), "a shebang and a one-line header");
        String[] syntax = run("bash", "-n", SCRIPT.toString());
        assumeTrue(syntax != null, "bash is not installed");
        assertEquals("0", syntax[0], syntax[1]);
        Matcher all = Pattern.compile("(?m)^ALL=\"([^\"]+)\"").matcher(text);
        assertTrue(all.find(), "the list of steps");
        List<String> missing = new ArrayList<>();
        Matcher extra = Pattern.compile("(?m)^EXTRA=\"([^\"]+)\"").matcher(text);
        assertTrue(extra.find(), "the list of steps run only when named");
        for (String step : (all.group(1) + " " + extra.group(1)).split(" ")) {
            if (!text.contains("    " + step + ") ")) {
                missing.add(step);
            }
        }
        assertEquals(List.of(), missing, "steps without a case");
        for (String must : new String[] {"timeout ", "$OUT", "--include-tag gpu", "deform_twin.py", "--tf32", "--deep"}) {
            assertTrue(text.contains(must), "the script uses " + must);
        }
        Path kit = Path.of("src/bench/prepare-kit.sh");
        assertTrue(Files.isExecutable(kit), kit + " is executable");
        String[] kitSyntax = run("bash", "-n", kit.toString());
        assertEquals("0", kitSyntax[0], kitSyntax[1]);
        String[] unknown = run("bash", SCRIPT.toString(), "no-such-step");
        assertEquals("2", unknown[0], unknown[1]);
        assertTrue(unknown[1].contains("unknown step no-such-step"), unknown[1]);
    }

    @Test
    void theTwinsPythonCompilesAndItsNumpyTestsPass() throws Exception {
        for (String f : PYTHON) {
            assertTrue(Files.isRegularFile(Path.of("src/bench", f)), f);
        }
        String[] numpy = run("python3", "-c", "import numpy");
        assumeTrue(numpy != null && numpy[0].equals("0"), "python3 with numpy is not installed");
        List<String> compile = new ArrayList<>(List.of("python3", "-B", "-c",
                "import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, 'exec')"));
        PYTHON.forEach(f -> compile.add("src/bench/" + f));
        String[] c = run(compile.toArray(String[]::new));
        assertEquals("0", c[0], c[1]);
        String[] t = run("python3", "-B", "-m", "unittest", "discover", "-s", "src/bench", "-p", "test_*.py");
        assertEquals("0", t[0], t[1]);
    }
}
