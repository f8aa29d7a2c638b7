// `gpu-mlp bench`: trains several batch sizes on the chosen device and reports median epoch time side by side.
package gpumlp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.backend.Backend;
import gpumlp.backend.Deformation;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.train.EpochRecord;
import gpumlp.train.Schedule;
import gpumlp.train.TrainSettings;
import gpumlp.train.Trainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Trains each batch size for a few epochs on the chosen device and prints the median epoch time "
                + "(training only, evaluation excluded), samples/s and the final test accuracy: a table, then the same "
                + "rows as JSON lines.",
                "Learning rate: 0.01 at batch size 1, 0.1 otherwise (as the NumPy and PyTorch comparison scripts), unless --lr is given.",
                "With deformation options (--elastic, --rotate, ...), each batch size is measured twice: without and with "
                        + "deformations, the cost of deforming every sample in every epoch.",
                "Example: gpu-mlp bench --device cpu --batch-sizes 1,128 --epochs 3",
                "Example: gpu-mlp bench --device cpu --batch-sizes 128 --elastic 34,4"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, ExitCodes.FAILURE, ExitCodes.USAGE})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    DeviceOptions device;

    @Mixin
    DeformOptions deform;

    @Option(names = "--batch-sizes", paramLabel = "LIST", split = ",", defaultValue = "1,128,8192",
            description = "Batch sizes to measure. Default: ${DEFAULT-VALUE}.")
    int[] batchSizes;

    @Mixin
    HiddenOption hidden;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Epochs per batch size; the median epoch time is reported. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", paramLabel = "ETA", description = "Learning rate for every batch size (default: 0.01 at batch 1, else 0.1).")
    Double learningRate;

    @Mixin
    SeedOption seed;

    @Option(names = "--profile", description = "GPU: run the steps eagerly and print the time of each operation "
            + "(CUDA events) in the last epoch of each batch size.")
    boolean profile;

    @Option(names = "--json", description = "Print only the JSON lines (one object per batch size, as each finishes), no table.")
    boolean json;

    /** One measured configuration. */
    record Row(String shape, int batchSize, double learningRate, String device, double medianSeconds,
               double samplesPerSecond, double testAccuracy, double[] epochSeconds, Deformation deformation) {}

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        device.validate(cmd);
        Checks.require(cmd, epochs >= 1, "--epochs must be at least 1, got " + epochs);
        for (int b : batchSizes) {
            Checks.require(cmd, b >= 1, "--batch-sizes must all be at least 1, got " + b);
        }
        Deformation deformation = deform.validated(cmd);
        List<Deformation> variants = deformation.enabled() ? List.of(Deformation.NONE, deformation) : List.of(Deformation.NONE);
        if (learningRate != null) {
            Checks.float32Rate(cmd, learningRate, "--lr must be a positive number that float32 can hold (about 1e-38 to 3e38)");
        }
        PrintWriter out = cmd.getOut();
        Dataset train = DataDirectory.train(data.dir);
        Dataset test = DataDirectory.test(data.dir);
        List<Row> rows = new ArrayList<>();
        try (Backend backend = device.open(cmd.getErr(), profile)) {
            for (int batch : batchSizes) {
                for (Deformation d : variants) {
                    Row row = measure(backend, train, test, batch, d);
                    rows.add(row);
                    List<String> ops = backend.profileReport();
                    if (!ops.isEmpty()) {
                        out.println("profile, batch " + batch + ", " + backend.description() + ":");
                        ops.forEach(out::println);
                        out.flush();
                    }
                    if (json) {
                        out.println(new ObjectMapper().writeValueAsString(toMap(row)));
                        out.flush();
                    }
                }
            }
        }
        if (!json) {
            printTable(out, rows);
            for (Row row : rows) {
                out.println(new ObjectMapper().writeValueAsString(toMap(row)));
            }
            out.flush();
        }
        return Cli.OK;
    }

    private Row measure(Backend backend, Dataset train, Dataset test, int batch, Deformation d) {
        double lr = learningRate != null ? learningRate : (batch == 1 ? 0.01 : 0.1);
        TrainSettings s = new TrainSettings(hidden.sizes, epochs, batch, lr, 0, new Schedule.Constant(lr), seed.seed, 0, d);
        int[] sizes = s.layerSizes(train.features(), Dataset.MAX_CLASSES);
        List<EpochRecord> records = new ArrayList<>();
        Trainer.Result r = new Trainer(backend).run(HeInit.initialise(sizes, seed.seed), train, test, s, records::add);
        double[] seconds = records.stream().mapToDouble(EpochRecord::seconds).toArray();
        double median = median(seconds);
        String shape = r.network().shape();
        return new Row(shape, batch, lr, backend.description(), median, train.count() / median, r.test().accuracy(), seconds,
                d);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static Map<String, Object> toMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", r.shape());
        m.put("batch", r.batchSize());
        m.put("lr", r.learningRate());
        m.put("device", r.device());
        m.put("median_epoch_seconds", r.medianSeconds());
        m.put("samples_per_s", r.samplesPerSecond());
        m.put("test_accuracy", r.testAccuracy());
        m.put("epoch_seconds", r.epochSeconds());
        m.put("deformations", r.deformation().describe());
        return m;
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        boolean deformed = rows.stream().anyMatch(r -> r.deformation().enabled());
        out.printf(Locale.ROOT, "%-12s %7s %7s %14s %12s %9s  %s%s%n", "network", "batch", "lr", "median epoch", "samples/s",
                "test acc", deformed ? "deformations  " : "", "device");
        Row plain = null;
        for (Row r : rows) {
            String extra = "";
            if (deformed) {
                boolean cost = r.deformation().enabled() && plain != null && plain.batchSize() == r.batchSize();
                extra = String.format(Locale.ROOT, "%-13s", r.deformation().describe()
                        + (cost ? String.format(Locale.ROOT, " (%.2fx)", r.medianSeconds() / plain.medianSeconds()) : "")) + " ";
            }
            out.printf(Locale.ROOT, "%-12s %7d %7s %12.3f s %12.0f %8.2f%%  %s%s%n", r.shape(), r.batchSize(),
                    r.learningRate(), r.medianSeconds(), r.samplesPerSecond(), 100 * r.testAccuracy(), extra, r.device());
            plain = r.deformation().enabled() ? plain : r;
        }
        out.flush();
    }
}
