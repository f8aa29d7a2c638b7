// Reads option defaults from environment variables: --batch-size from GPU_MLP_BATCH_SIZE, and so on.
package gpumlp.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * For containers: every option can be set as GPU_MLP_ + its long name in upper case with - as _
 * (GPU_MLP_DATA=/data, GPU_MLP_EPOCHS=20, GPU_MLP_TF32=true). A value on the command line wins over
 * the environment, which wins over the built-in default. The same variable serves every command
 * that has the option, except where the option names a different kind of file in each command:
 * --output is train's model (GPU_MLP_OUTPUT), export's ONNX file (GPU_MLP_EXPORT_OUTPUT) and
 * deform-preview's PNG (GPU_MLP_DEFORM_PREVIEW_OUTPUT), so a container's GPU_MLP_OUTPUT for its
 * training job never makes another command write over the model.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    static final String PREFIX = "GPU_MLP_";

    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    /** The environment it reads. */
    Map<String, String> env() {
        return env;
    }

    /** Options whose meaning depends on the command, with the one command that reads the plain variable. */
    private static final Map<String, String> PER_COMMAND = Map.of("--output", "train");

    /** The variable that sets an option of train (or of any command, where it means the same): --batch-size gives GPU_MLP_BATCH_SIZE. */
    static String variable(String longName) {
        return PREFIX + upper(longName);
    }

    /** The variable that sets {@code option} of its command: GPU_MLP_BATCH_SIZE, but GPU_MLP_EXPORT_OUTPUT for export's --output. */
    static String variable(OptionSpec option) {
        String name = option.longestName();
        String owner = PER_COMMAND.get(name);
        String command = option.command() == null ? null : option.command().name();
        if (owner == null || owner.equals(command) || command == null) {
            return variable(name);
        }
        return PREFIX + upper(command) + "_" + upper(name);
    }

    private static String upper(String name) {
        return name.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = env.get(variable(option));
        return value == null || value.isBlank() ? null : value;
    }
}
