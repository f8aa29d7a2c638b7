// Reads the CUDA C sources of kernels/*.cu, which the build packages as class-path resources.
package gpumlp.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class KernelSource {
    /** The kernel files, each compiled as one NVRTC program. */
    public static final String[] FILES = {"gather.cu", "relu.cu", "softmax_xent.cu", "sgd.cu", "dropout.cu", "regularise.cu",
            "deform.cu"};

    /** A line that includes a header of kernels/ (NVRTC has no file system: the text is inlined). */
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"(\\w+\\.cuh)\"[ \\t]*$");

    private static final Pattern PRAGMA_ONCE = Pattern.compile("(?m)^#pragma once[ \\t]*\\R?");

    private KernelSource() {}

    /** The text of kernels/{@code file}, with each {@code #include "x.cuh"} of kernels/ replaced by its text, once. */
    public static String read(String file) {
        return expand(raw(file), new HashSet<>());
    }

    /** {@link #read}'s expansion applied to a given text (for tests). */
    static String expandForTest(String text) {
        return expand(text, new HashSet<>());
    }

    private static String expand(String text, Set<String> included) {
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String header = m.group(1);
            // the text goes in once, so its include guard goes (a "#pragma once" in the main file is a warning)
            String body = included.add(header) ? expand(PRAGMA_ONCE.matcher(raw(header)).replaceAll(""), included) : "";
            m.appendReplacement(out, Matcher.quoteReplacement(body));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String raw(String file) {
        String resource = "/kernels/" + file;
        try (InputStream in = KernelSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + resource + " is missing from the class path "
                        + "(the build copies kernels/*.cu there)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + resource, e);
        }
    }
}
