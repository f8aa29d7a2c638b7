// Mixin: --device auto|cpu|gpu[:N] and --threads N, validated before any work starts.
package gpumlp.cli;

import gpumlp.backend.Backend;
import gpumlp.backend.Devices;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Option;

public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu, gpu or gpu:N. auto uses the GPU when one is usable, else the CPU, "
                    + "saying why (this version has no GPU backend yet). Default: ${DEFAULT-VALUE}.")
    String device;

    /** More threads than this only costs memory and hand-over time. */
    static final int MAX_THREADS = 1024;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads (default: all ${sys:gpumlp.cores} cores). Results do not depend on it.")
    Integer threads;

    static {
        System.setProperty("gpumlp.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    /** Throws a usage error for a bad --device or --threads value. */
    void validate(CommandLine cmd) {
        if (!Devices.isValid(device)) {
            throw new CommandLine.ParameterException(cmd,
                    "invalid value for --device: '" + device + "' (expected auto, cpu, gpu or gpu:N)");
        }
        Checks.require(cmd, threads == null || (threads >= 1 && threads <= MAX_THREADS),
                "--threads must be between 1 and " + MAX_THREADS + ", got " + threads);
    }

    Backend open(PrintWriter log) {
        return Devices.open(device, threads != null ? threads : Runtime.getRuntime().availableProcessors(), log);
    }
}
