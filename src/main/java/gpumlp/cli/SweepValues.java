// Checks a sweep combination's values as the train options they set, before its sweep directory is claimed.
package gpumlp.cli;

import gpumlp.UserError;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A value the train run would refuse must stop the task before the sweep directory records the sweep
 * file: otherwise the corrected file would be "another sweep" for a directory in which nothing was
 * trained. The combination's command line is parsed and its settings checked as the run will check
 * them (its outputs aside: those are the sweep's, checked when the run starts). A fault of the command
 * line alone is a usage error; otherwise the first parameter whose value makes it fail is named, as
 * a fault of the sweep file (exit code 1, like the file's other faults).
 */
final class SweepValues {
    private SweepValues() {}

    /**
     * @param base the train command line without the sweep's options, its outputs or the combination's values
     * @param values the combination, parameter name to value, in the order of {@code swept}
     * @param swept each parameter's arguments, as they will be given to the run
     */
    static void check(CommandLine cmd, Map<String, String> env, List<String> base, Map<String, String> values,
                      List<List<String>> swept, Path sweepFile) {
        List<String> all = new ArrayList<>(base);
        swept.forEach(all::addAll);
        if (problem(env, all) == null) { // the usual case: one parse and check
            return;
        }
        CommandLine.ParameterException own = problem(env, base);
        if (own != null) { // worded as the command line's fault, as train would (the environment named by Cli's handler)
            throw new CommandLine.ParameterException(cmd, own.getMessage());
        }
        List<String> names = new ArrayList<>(values.keySet());
        List<String> upTo = new ArrayList<>(base);
        for (int i = 0; i < swept.size(); i++) {
            upTo.addAll(swept.get(i));
            CommandLine.ParameterException problem = problem(env, upTo);
            if (problem != null) {
                throw new UserError("sweep file " + sweepFile + ": parameter '" + names.get(i) + "' has the value '"
                        + values.get(names.get(i)) + "', which train refuses: " + EnvironmentSource.explain(
                        problem.getCommandLine(), problem.getMessage(), upTo.toArray(String[]::new))
                        + "; fix the value in the sweep file");
            }
        }
        throw new IllegalStateException("the combination failed its check, but no parameter did");
    }

    /** Why train would refuse this command line, or null; its model goes to /dev/null, as the sweep chooses the real one. */
    static CommandLine.ParameterException problem(Map<String, String> env, List<String> args) {
        CommandLine probe = Cli.newCommandLine(env);
        probe.setOut(new PrintWriter(Writer.nullWriter()));
        probe.setErr(new PrintWriter(Writer.nullWriter()));
        List<String> withOutput = new ArrayList<>(args);
        withOutput.addAll(List.of("--output", "/dev/null"));
        try {
            CommandLine.ParseResult parsed = probe.parseArgs(withOutput.toArray(String[]::new));
            CommandLine.ParseResult train = parsed.subcommand();
            ((TrainCommand) train.commandSpec().userObject()).validatedSettings(train.commandSpec().commandLine());
            return null;
        } catch (CommandLine.ParameterException e) {
            return e;
        }
    }
}
