// Builds the configured picocli CommandLine: one-line errors instead of stack traces, documented exit codes.
package gpumlp.cli;

import gpumlp.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;

public final class Cli {
    /** Exit codes, as listed in --help. */
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private Cli() {}

    public static CommandLine newCommandLine() {
        CommandLine cmd = new CommandLine(new GpuMlpCommand());
        cmd.setExecutionExceptionHandler(Cli::handleExecutionException);
        cmd.setParameterExceptionHandler(Cli::handleParameterException);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    private static int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof UserError) {
            err.println("gpu-mlp: " + e.getMessage());
        } else {
            err.println("gpu-mlp: internal error: " + e);
            if (System.getenv("GPU_MLP_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("gpu-mlp: set GPU_MLP_DEBUG=1 for the stack trace, and please report it");
            }
        }
        err.flush();
        return FAILURE;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("gpu-mlp: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }
}
