// The jar carries exactly the JCuda native libraries whose Java classes the code uses: the pom excludes the rest.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NativeLibrariesTest {
    /** Each JCuda native library and the class whose static initialiser loads it (LibUtils.loadLibrary). */
    private static final Map<String, String> LOADED_BY = Map.of(
            "JCudaDriver", "jcuda.driver.JCudaDriver",
            "JCudaRuntime", "jcuda.runtime.JCuda",
            "JNvrtc", "jcuda.nvrtc.JNvrtc",
            "JCublas2", "jcuda.jcublas.JCublas2",
            "JCublas", "jcuda.jcublas.JCublas",
            "JNvPTXCompiler", "jcuda.nvptxcompiler.JNvPTXCompiler");
    private static final Pattern NATIVE = Pattern.compile("lib/lib(\\w+)-[\\d.]+-linux-x86_64\\.so");

    @Test
    void thePomShipsTheNativesTheCodeLoadsAndNoOther() throws IOException {
        Set<String> natives = nativesOnTheClassPath();
        assertTrue(natives.contains("JCudaDriver") && natives.contains("JNvPTXCompiler") && natives.contains("JCublas2"), natives.toString());
        String code = mainSources();
        String pom = Files.readString(Path.of("pom.xml"));
        for (String lib : natives) {
            String loader = LOADED_BY.get(lib);
            assertTrue(loader != null, "a new JCuda native library " + lib + ": add the class that loads it to this test");
            boolean used = Pattern.compile("\\b" + Pattern.quote(loader) + "\\b").matcher(code).find();
            boolean excluded = pom.contains("<exclude>lib/lib" + lib + "-*</exclude>");
            assertEquals(!used, excluded, lib + (used ? " is loaded by " + loader + ", so the jar needs it"
                    : " is never loaded (nothing uses " + loader + "): exclude it from the shaded jar in pom.xml"));
        }
    }

    /** The JCuda native library names in the natives jars on the test class path, e.g. JCudaDriver. */
    private static Set<String> nativesOnTheClassPath() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String anyOf : new String[] {"jcuda/LibUtils.class", "lib/"}) {
            for (URL url : Collections.list(NativeLibrariesTest.class.getClassLoader().getResources(anyOf))) {
                if (url.getProtocol().equals("jar")) {
                    try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
                        jar.stream().map(e -> NATIVE.matcher(e.getName())).filter(Matcher::matches)
                                .forEach(m -> names.add(m.group(1)));
                    }
                }
            }
        }
        return names;
    }

    private static String mainSources() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sb.append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }
}
