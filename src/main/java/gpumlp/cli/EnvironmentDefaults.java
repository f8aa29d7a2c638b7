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
 * that has the option.
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

    /** The variable that sets an option: --batch-size gives GPU_MLP_BATCH_SIZE. */
    static String variable(String longName) {
        return PREFIX + longName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = env.get(variable(option.longestName()));
        return value == null || value.isBlank() ? null : value;
    }
}
