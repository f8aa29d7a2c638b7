// Names the GPU_MLP_* variable behind a usage error, so "GPU_MLP_BATCH_SIZE=abc" is found, not only --batch-size.
package gpumlp.cli;

import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

final class EnvironmentSource {
    private EnvironmentSource() {}

    /**
     * {@code message}, plus " (set by GPU_MLP_X=value in the environment)" for each option the
     * message names whose value came from its variable rather than from {@code args}.
     */
    static String explain(CommandLine cmd, String message, String[] args) {
        if (!(cmd.getDefaultValueProvider() instanceof EnvironmentDefaults defaults)) {
            return message;
        }
        Map<String, String> env = defaults.env();
        StringBuilder sb = new StringBuilder(message);
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            String variable = EnvironmentDefaults.variable(o);
            String value = env.get(variable);
            if (value != null && !value.isBlank() && !given(o, args) && names(o, message)) {
                sb.append(" (set by ").append(variable).append('=').append(value).append(" in the environment)");
            }
        }
        return sb.toString();
    }

    private static boolean names(OptionSpec o, String message) {
        for (String name : o.names()) {
            if (Pattern.compile("(^|[^\\w-])" + Pattern.quote(name) + "($|[^\\w-])").matcher(message).find()) {
                return true;
            }
        }
        return false;
    }

    /** True when the command line itself gives the option (--name, --name=value, -b, -b64). */
    private static boolean given(OptionSpec o, String[] args) {
        for (String a : args) {
            for (String name : o.names()) {
                boolean shortName = !name.startsWith("--") && name.length() == 2;
                if (a.equals(name) || a.startsWith(name + "=") || (shortName && a.startsWith(name) && !a.startsWith("--"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
