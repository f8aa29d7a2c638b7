// A CUDA kernel source that NVRTC refused, with the compiler's log.
package gpumlp.gpu;

public final class KernelCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String log;

    public KernelCompileException(String file, String options, String log, Throwable cause) {
        super("NVRTC could not compile " + file + " (" + options + "):\n" + log.strip(), cause);
        this.log = log;
    }

    /** The NVRTC program log, with file names and line numbers of each error. */
    public String log() {
        return log;
    }
}
