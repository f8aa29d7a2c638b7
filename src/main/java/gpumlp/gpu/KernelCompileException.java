// A CUDA kernel source that NVRTC refused, with the compiler's log.
package gpumlp.gpu;

public final class KernelCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String log;
    private final String file;

    public KernelCompileException(String file, String options, String log, Throwable cause) {
        super("NVRTC could not compile " + file + " (" + options + "):\n" + log.strip(), cause);
        this.log = log;
        this.file = file;
    }

    /** One line: the file, NVRTC's first error line, and what to do. */
    public String summary() {
        String cause = getCause() == null ? "" : String.valueOf(getCause().getMessage()).strip().split("\\s+", 2)[0];
        String first = log.lines().filter(l -> l.contains("error")).findFirst()
                .orElse(log.lines().filter(l -> !l.isBlank()).findFirst()
                        .orElse(cause.isEmpty() ? "no log" : cause + ", no log")).strip();
        return "NVRTC could not compile the kernels of " + file + " (" + first + "): check that NVRTC is CUDA 12 "
                + "(libnvrtc.so.12) and run doctor, or use --device cpu";
    }

    /** The NVRTC program log, with file names and line numbers of each error. */
    public String log() {
        return log;
    }
}
