// `gpu-mlp deform-preview`: a PNG grid of training digits beside the deformations training would draw for them.
package gpumlp.cli;

import gpumlp.util.OneLine;
import gpumlp.backend.Deformation;
import gpumlp.cpu.CpuOps;
import gpumlp.cpu.DeformOps;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.image.DigitGrid;
import gpumlp.util.AtomicFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "deform-preview", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Writes a PNG grid to judge deformation settings by eye before a long run: each row is one "
                + "training digit, first as it is, then as train would deform it in epochs 1, 2, ... with the same "
                + "options and --seed.",
                "Example: gpu-mlp deform-preview --elastic 34,4 -o grid.png",
                "Example: gpu-mlp deform-preview --elastic 36,6 --rotate 15 --scale 15 --count 6 --versions 9 -o grid.png"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE})
public final class DeformPreviewCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    DeformOptions deform;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10",
            description = "Rows: training samples 0..N-1 (or from --first). Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(names = "--first", paramLabel = "I", defaultValue = "0",
            description = "Index of the first training sample shown. Default: ${DEFAULT-VALUE}.")
    int first;

    @Option(names = "--versions", paramLabel = "K", defaultValue = "7",
            description = "Deformed copies per digit: epochs 1..K. Default: ${DEFAULT-VALUE}.")
    int versions;

    @Mixin
    SeedOption seed;

    @Option(names = "--zoom", paramLabel = "Z", defaultValue = "3",
            description = "Each image pixel becomes Z x Z pixels. Default: ${DEFAULT-VALUE}.")
    int zoom;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", defaultValue = "deform-preview.png",
            description = "The PNG to write (atomically; from the environment: GPU_MLP_DEFORM_PREVIEW_OUTPUT). "
                    + "Default: ${DEFAULT-VALUE}.")
    Path output;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        Deformation d = deform.validated(cmd);
        Checks.require(cmd, d.enabled(), "give at least one deformation to preview, e.g. --elastic 34,4 or --rotate 15");
        Checks.require(cmd, count >= 1 && count <= 1000, "--count must be in [1, 1000], got " + count);
        Checks.require(cmd, first >= 0, "--first must be 0 or more, got " + first);
        Checks.require(cmd, versions >= 1 && versions <= 100, "--versions must be in [1, 100], got " + versions);
        Checks.require(cmd, zoom >= 1 && zoom <= 16, "--zoom must be in [1, 16], got " + zoom);
        Checks.writableFile(cmd, output, "--output");
        OutputChecks.notInputs(cmd, java.util.Map.of("--output", output), TrainCommand.dataFiles(data.dir));
        Dataset train = DataDirectory.train(data.dir);
        if ((long) first + count > train.count()) {
            throw new CommandLine.ParameterException(cmd, String.format(Locale.ROOT,
                    "--first %d and --count %d go past the %,d training samples", first, count, train.count()));
        }
        int h = train.rows();
        int w = train.cols();
        long[] size = DigitGrid.size(count, versions + 1, h, w, zoom);
        if (size[0] > Integer.MAX_VALUE || size[1] > Integer.MAX_VALUE || size[0] * size[1] > DigitGrid.MAX_PIXELS) {
            throw new CommandLine.ParameterException(cmd, String.format(Locale.ROOT, "the grid would be %,dx%,d pixels, more "
                    + "than the %,d a preview may have: lower --count, --versions or --zoom", size[0], size[1], DigitGrid.MAX_PIXELS));
        }
        float[] gaussian = d.gaussian();
        float[][][] cells = new float[count][versions + 1][];
        float[][] original = new float[count][h * w];
        CpuOps.gatherBatch(train.images(), h * w, null, first, count, original);
        for (int r = 0; r < count; r++) {
            cells[r][0] = original[r];
        }
        for (int e = 1; e <= versions; e++) {
            float[][] x = new float[count][h * w];
            DeformOps.deformRows(d, gaussian, seed.seed, e, train.images(), h, w, null, first, 0, count, x);
            for (int r = 0; r < count; r++) {
                cells[r][e] = x[r];
            }
        }
        byte[] png = DigitGrid.png(cells, h, w, zoom);
        AtomicFiles.write(output, "preview", out -> out.write(png));
        cmd.getOut().printf(Locale.ROOT, "%d training digits (samples %d to %d), each followed by its deformations in "
                + "epochs 1 to %d (%s, seed %d): %s%n", count, first, first + count - 1, versions, d.describe(), seed.seed, OneLine.of(output.toString()));
        cmd.getOut().flush();
        return Cli.OK;
    }
}
