// The exit-code lines every command's --help shows.
package gpumlp.cli;

final class ExitCodes {
    static final String OK = "0:success";
    static final String FAILURE = "1:failure: unreadable data or model file, diverged training, no usable GPU";
    static final String USAGE = "2:bad usage: unknown option or invalid value";
    static final String STOPPED = "75:train stopped by SIGTERM or SIGINT after writing a checkpoint: run it again with "
            + "--resume to continue";

    private ExitCodes() {}
}
