// Reads the CUDA C sources of kernels/*.cu, which the build packages as class-path resources.
package gpumlp.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

public final class KernelSource {
    /** The kernel files, each compiled as one NVRTC program. */
    public static final String[] FILES = {"gather.cu", "relu.cu", "softmax_xent.cu", "sgd.cu"};

    private KernelSource() {}

    /** The text of kernels/{@code file}. */
    public static String read(String file) {
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
