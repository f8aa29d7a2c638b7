// Builds the configured picocli CommandLine: one-line errors instead of stack traces, documented exit codes.
package gpumlp.cli;

import gpumlp.UserError;
import gpumlp.gpu.GpuErrors;
import gpumlp.util.OneLine;
import java.io.PrintWriter;
import picocli.CommandLine;

public final class Cli {
    /** Exit codes, as listed in --help. */
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private Cli() {}

    /** Exit code of a run stopped by SIGTERM or SIGINT after it wrote a checkpoint (EX_TEMPFAIL: try again). */
    public static final int STOPPED = 75;

    public static CommandLine newCommandLine() {
        return newCommandLine(System.getenv());
    }

    /** The command line with option defaults read from {@code env} (see {@link EnvironmentDefaults}). */
    public static CommandLine newCommandLine(java.util.Map<String, String> env) {
        CommandLine cmd = new CommandLine(new GpuMlpCommand());
        cmd.setDefaultValueProvider(new EnvironmentDefaults(env));
        // whole numbers in ASCII digits only (picocli's converters take １６ too); reaches every subcommand
        cmd.registerConverter(Integer.class, new Converters.AsciiInt());
        cmd.registerConverter(Integer.TYPE, new Converters.AsciiInt());
        cmd.registerConverter(Long.class, new Converters.AsciiLong());
        cmd.registerConverter(Long.TYPE, new Converters.AsciiLong());
        cmd.setExecutionExceptionHandler(Cli::handleExecutionException);
        cmd.setParameterExceptionHandler(Cli::handleParameterException);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // "@file" is an ordinary argument: no reading of argument files (a directory, a FIFO, /etc/passwd).
        cmd.setExpandAtFiles(false);
        cmd.setExecutionStrategy(parsed -> execute(parsed, env));
        return cmd;
    }

    /** Records SIGTERM, SIGINT and SIGHUP from the first moment on, until the command decides (see StopSignals.early). */
    public static void catchEarlySignals() {
        StopSignals.early();
    }

    /**
     * Runs the chosen command, after refusing a GPU_MLP_DEBUG in {@code env} that is neither on nor off (help aside);
     * one that cannot stop with a checkpoint gets the default signal handling back first.
     */
    private static int execute(CommandLine.ParseResult parsed, java.util.Map<String, String> env) {
        CommandLine.ParseResult last = parsed;
        boolean help = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
        while (last.hasSubcommand()) {
            last = last.subcommand();
            help |= last.isUsageHelpRequested() || last.isVersionHelpRequested();
        }
        if (!help) {
            Log.checkDebugVariable(last.commandSpec().commandLine(), env);
        }
        if (!(last.commandSpec().userObject() instanceof TrainCommand t && t.stopsGracefully())) {
            StopSignals.releaseEarly();
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** True when --log-format json was given (it may come after the option that failed to parse). */
    private static boolean jsonLogsWanted(CommandLine cmd, String[] args) {
        if (cmd.getCommand() instanceof JsonLogging j && j.jsonLogs()) {
            return true;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format=json") || (args[i].equals("--log-format") && i + 1 < args.length
                    && args[i + 1].equals("json"))) {
                return true;
            }
        }
        return false;
    }

    private static int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String message = OneLine.of(message(e)); // the last guard: a value with a newline stays on the line
        if (cmd.getCommand() instanceof JsonLogging j && j.jsonLogs()) {
            String msg = message != null ? message : "internal error: " + OneLine.of(e.toString());
            err.println(Log.line("error", msg, null, java.util.Map.of()));
            err.flush();
            return FAILURE;
        }
        if (message != null) {
            err.println("gpu-mlp: " + message);
            if (!(e instanceof UserError) && Log.debugWanted()) {
                e.printStackTrace(err);
            }
        } else {
            err.println("gpu-mlp: internal error: " + OneLine.of(e.toString()));
            if (Log.debugWanted()) {
                e.printStackTrace(err);
            } else {
                err.println("gpu-mlp: set " + Log.DEBUG_VARIABLE + "=1 for the stack trace, and please report it");
            }
        }
        err.flush();
        return FAILURE;
    }

    /**
     * The one line a failure is reported with: a user error's message, or for a failure of the GPU
     * (a CUDA error anywhere in the cause chain) the operation, the CUDA error and what to do; null
     * for anything else (an internal error).
     */
    static String message(Exception e) {
        if (e instanceof UserError) {
            return e.getMessage();
        }
        String gpu = GpuErrors.describe(e);
        return gpu == null ? null : "GPU failure: " + gpu;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = OneLine.of(EnvironmentSource.explain(cmd, e.getMessage(), args)); // one line, whatever was echoed
        if (jsonLogsWanted(cmd, args)) {
            err.println(Log.line("error", message + " (usage error; see --help)", null, java.util.Map.of()));
            err.flush();
            return USAGE;
        }
        err.println("gpu-mlp: " + message);
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }
}
