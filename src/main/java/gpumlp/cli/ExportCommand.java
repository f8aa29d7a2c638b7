// `gpu-mlp export`: writes a trained .npz model as an ONNX file for ONNX Runtime, Triton or a browser.
package gpumlp.cli;

import gpumlp.util.OneLine;
import gpumlp.export.OnnxModel;
import gpumlp.model.LoadedModel;
import gpumlp.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes a trained model as a standard ONNX graph (opset " + OnnxModel.OPSET + ": Gemm, Relu, "
                + "Softmax). Input '" + OnnxModel.INPUT + "': float32 [N, 784] holding pixel / 255; output '"
                + OnnxModel.OUTPUT + "': float32 [N, 10]. The settings and data checksums travel as metadata.",
                "Example: gpu-mlp export --model model.npz --format onnx -o model.onnx"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, "1:failure: unreadable model file, output not writable", ExitCodes.USAGE})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE",
            description = "Where to write it (atomically; from the environment: GPU_MLP_EXPORT_OUTPUT). "
                    + "Default: the model's name with .onnx, e.g. model.onnx.")
    Path output;

    /** The formats export writes. */
    enum Format { onnx }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        Path target = output != null ? output : defaultOutput(model.path);
        Checks.writableFile(cmd, target, "--output");
        // a link to the model gets notInput's message, which names both
        Checks.require(cmd, Files.isSymbolicLink(target) || !OutputChecks.sameFile(cmd, target, "--output", model.path),
                "--output " + target + " is the model file itself: give another name, e.g. model.onnx");
        OutputChecks.notInput(cmd, target, "--output", model.path, "the model file " + model.path); // a link to it, too
        LoadedModel loaded = ModelFile.load(model.path);
        boolean stream = OutputChecks.isStream(target); // -o /dev/stdout: the summary must not follow the ONNX bytes there
        OnnxModel.write(target, loaded.network(), loaded.metadata());
        java.io.PrintWriter say = stream ? cmd.getErr() : cmd.getOut();
        say.printf(Locale.ROOT, "exported %s (%s) to %s: ONNX opset %d, input '%s' float32 [N, %d] = pixel / 255, "
                        + "output '%s' float32 [N, %d]%n", OneLine.of(model.path.toString()), loaded.network().shape(), OneLine.of(target.toString()), OnnxModel.OPSET,
                OnnxModel.INPUT, loaded.network().inputSize(), OnnxModel.OUTPUT, loaded.network().outputSize());
        say.flush();
        return Cli.OK;
    }

    /** model.npz -> model.onnx, next to it. */
    static Path defaultOutput(Path model) {
        String name = model.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".npz") ? name.substring(0, name.length() - 4) : name;
        return model.resolveSibling(stem + ".onnx");
    }
}
