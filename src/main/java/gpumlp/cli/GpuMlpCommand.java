// The top-level `gpu-mlp` command: lists the subcommands, prints the version and the exit codes.
package gpumlp.cli;

import picocli.CommandLine.Command;

@Command(name = "gpu-mlp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Trains a multilayer perceptron on MNIST or any IDX image/label data set, on the GPU or the CPU.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class, BenchCommand.class,
                DoctorCommand.class, ReportCommand.class, DeformPreviewCommand.class,
                picocli.CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE, ExitCodes.STOPPED},
        footer = {"", "Every option can also be set in the environment: GPU_MLP_ and its long name in upper case, "
                + "- as _ (GPU_MLP_DATA=/data, GPU_MLP_BATCH_SIZE=64). The command line wins over the environment. "
                + "GPU_MLP_OUTPUT is train's model; export and deform-preview read GPU_MLP_EXPORT_OUTPUT and "
                + "GPU_MLP_DEFORM_PREVIEW_OUTPUT.",
                "", "Run 'gpu-mlp COMMAND --help' for a command's options."})
public final class GpuMlpCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: train, eval, predict, export, bench, doctor, report or deform-preview");
    }
}
