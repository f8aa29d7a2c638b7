// `gpu-mlp predict`: the digit and ten probabilities for image files or test-set samples.
package gpumlp.cli;

import gpumlp.util.OneLine;
import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.UserError;
import gpumlp.backend.Backend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.image.DigitImage;
import gpumlp.model.LoadedModel;
import gpumlp.model.ModelFile;
import gpumlp.util.Vectors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Predicts the digit in image files (PNG, JPEG, BMP, GIF or PGM, any size, prepared like MNIST) "
                + "or in test-set samples chosen with --index.",
                "Example: gpu-mlp predict --model model.npz my-digit.png"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    DataOptions data;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image files holding one digit each.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--index", paramLabel = "N", split = ",",
            description = "Test-set sample(s) of --data to predict (0-based, comma separated); the true label is shown too.")
    int[] indices;

    @Mixin
    DeviceOptions device;

    @Option(names = "--json", description = "Print one JSON object per input, one per line.")
    boolean json;

    /** One input to classify: where it came from, its pixels, and its label when known (else -1). */
    private record Input(String source, byte[] pixels, int label) {}

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (images.isEmpty() && (indices == null || indices.length == 0)) {
            throw new CommandLine.ParameterException(cmd, "nothing to predict: give image files or --index N");
        }
        device.validate(cmd);
        LoadedModel loaded = ModelFile.load(model.path);
        int rows = loaded.metadata().inputRows();
        int cols = loaded.metadata().inputCols();
        List<Input> inputs = new ArrayList<>();
        if (!images.isEmpty() && rows == 1) {
            throw new UserError("model " + model.path + " was trained on flat " + cols + "-value samples, not on "
                    + "pictures, so image files cannot be prepared for it: use --index");
        }
        for (Path image : images) {
            inputs.add(new Input(image.toString(), DigitImage.load(image, rows, cols), -1));
        }
        if (indices != null && indices.length > 0) {
            Dataset test = DataDirectory.test(data.dir);
            if (test.features() != rows * cols) {
                throw new UserError("model " + model.path + " takes " + rows + "x" + cols + " images but "
                        + test.name() + " has " + test.rows() + "x" + test.cols());
            }
            for (int index : indices) {
                if (index < 0 || index >= test.count()) {
                    throw new CommandLine.ParameterException(cmd, "--index " + index + " is outside the test set (0.."
                            + (test.count() - 1) + ")");
                }
                byte[] px = new byte[test.features()];
                System.arraycopy(test.images(), index * test.features(), px, 0, px.length);
                inputs.add(new Input(test.name() + " #" + index, px, test.label(index)));
            }
        }
        byte[] batch = new byte[inputs.size() * rows * cols]; // inputs x (rows*cols)
        for (int k = 0; k < inputs.size(); k++) {
            System.arraycopy(inputs.get(k).pixels(), 0, batch, k * rows * cols, rows * cols);
        }
        float[] probs;
        try (Backend backend = device.open(cmd.getErr())) {
            backend.uploadWeights(loaded.network());
            probs = backend.probabilities(batch, inputs.size());
        }
        print(cmd.getOut(), inputs, probs, loaded.network().outputSize());
        return Cli.OK;
    }

    private void print(PrintWriter out, List<Input> inputs, float[] probs, int classes) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            float[] p = java.util.Arrays.copyOfRange(probs, k * classes, (k + 1) * classes);
            int digit = Vectors.argmax(p, classes);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("source", in.source());
                m.put("digit", digit);
                m.put("probability", p[digit]);
                if (in.label() >= 0) {
                    m.put("label", in.label());
                }
                m.put("probabilities", p);
                out.println(mapper.writeValueAsString(m));
            } else {
                out.printf(Locale.ROOT, "%s: %d (p = %.4f)%s%n", OneLine.of(in.source()), digit, p[digit],
                        in.label() >= 0 ? (in.label() == digit ? "  [label " + in.label() + ", correct]"
                                : "  [label " + in.label() + ", WRONG]") : "");
                StringBuilder sb = new StringBuilder(" ");
                for (int c = 0; c < classes; c++) {
                    sb.append(String.format(Locale.ROOT, " %d:%.4f", c, p[c]));
                }
                out.println(sb);
            }
        }
        out.flush();
    }
}
