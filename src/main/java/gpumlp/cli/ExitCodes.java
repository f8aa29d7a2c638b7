// The exit-code lines every command's --help shows.
package gpumlp.cli;

final class ExitCodes {
    static final String OK = "0:success";
    static final String FAILURE = "1:failure: unreadable data or model file, diverged training, no usable GPU";
    static final String USAGE = "2:bad usage: unknown option or invalid value";

    private ExitCodes() {}
}
