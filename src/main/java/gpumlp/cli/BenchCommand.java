// `gpu-mlp bench`: trains several batch sizes on the chosen device and reports median epoch time side by side.
package gpumlp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import gpumlp.backend.Backend;
import gpumlp.backend.Deformation;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.gpu.GpuBackend;
import gpumlp.gpu.GpuMeter;
import gpumlp.model.EpochFlops;
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
                "Each row counts the epoch's matrix-product operations (forward, backward, update: 2 m n k a product). "
                        + "On the GPU, bench first times a large SGEMM (FP32, or TF32 with --tf32) for about a second and "
                        + "prints every epoch time against the floor: the epoch's operations at that rate; and the GPU "
                        + "memory: total, free at the start and the peak in use during each row.",
                "Example: gpu-mlp bench --device cpu --batch-sizes 1,128 --epochs 3",
                "Example: gpu-mlp bench --device gpu --tf32 --batch-sizes 128 --deep --elastic 36,6 --rotate 15 --scale 15",
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

    @Option(names = "--lr", paramLabel = "ETA", description = "Learning rate for every batch size and network (default: "
            + "0.01 at batch 1, else 0.1; " + DEEP_LR + " for --deep).")
    Double learningRate;

    @Option(names = "--deep", description = "After the --hidden network, also measure the deep net " + DEEP_SHAPE
            + " (Ciresan et al. 2010, about 12 million weights) at each batch size above 1 (at batch 1 its epoch would "
            + "update all its weights 60,000 times), with learning rate " + DEEP_LR + " unless --lr is given.")
    boolean deep;

    @Mixin
    SeedOption seed;

    @Option(names = "--profile", description = "GPU: run the steps eagerly and print the time of each operation "
            + "(CUDA events) in the last epoch of each batch size.")
    boolean profile;

    @Option(names = "--json", description = "Print only the JSON lines (one object per batch size, as each finishes), no table.")
    boolean json;

    /** The hidden layers of the deep net of --deep. */
    static final int[] DEEP_HIDDEN = {2500, 2000, 1500, 1000, 500};
    static final String DEEP_SHAPE = "784-2500-2000-1500-1000-500-10";
    /** The deep net's learning rate unless --lr is given (plain SGD at 0.1 may blow its weights up). */
    static final double DEEP_LR = 0.02;
    /** Seconds of SGEMM timed for the floor. */
    static final double SGEMM_SECONDS = 1.0;

    /**
     * One measured configuration; {@code flops} its epoch's products. {@code gpu} is null on the CPU.
     */
    record Row(String shape, int batchSize, double learningRate, String device, double medianSeconds,
               double samplesPerSecond, double testAccuracy, double[] epochSeconds, Deformation deformation,
               EpochFlops flops, GpuFigures gpu) {}

    /**
     * The GPU's side of a row: the SGEMM rate of the floor; the memory in use before the runs (context, kernels,
     * cuBLAS), at the peak of the row (read after every epoch) and the total.
     */
    record GpuFigures(double sgemmFlopsPerSecond, long usedBeforeBytes, long peakUsedBytes, long totalBytes) {
        double floorSeconds(EpochFlops f) {
            return f.floorSeconds(sgemmFlopsPerSecond);
        }
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        device.validate(cmd);
        device.requireGpuFor(cmd, "--profile", profile);
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
        List<int[]> networks = new ArrayList<>(List.of(hidden.sizes));
        if (deep) {
            networks.add(DEEP_HIDDEN);
        }
        try (Backend backend = device.open(cmd.getErr(), profile);
             GpuMeter meter = backend instanceof GpuBackend ? GpuMeter.open(Devices.gpuIndex(device.device)) : null) {
            GpuFigures before = null;
            if (meter != null) {
                double sgemm = meter.sgemmFlopsPerSecond(device.tf32, SGEMM_SECONDS);
                GpuMeter.Memory m = meter.memory();
                before = new GpuFigures(sgemm, m.used(), m.used(), m.total());
                if (!json) {
                    out.printf(Locale.ROOT, "gpu: SGEMM %d x %d (%s) %.1f TFLOP/s; memory %.2f GiB total, %.2f GiB free, "
                            + "%.2f GiB in use before the runs%n", GpuMeter.SGEMM_SIZE, GpuMeter.SGEMM_SIZE,
                            device.tf32 ? "TF32" : "FP32", sgemm / 1e12, gib(m.total()), gib(m.free()), gib(m.used()));
                    out.flush();
                }
            }
            for (int[] net : networks) {
                for (int batch : batchSizes) {
                    if (net == DEEP_HIDDEN && batch == 1) {
                        continue;
                    }
                    for (Deformation d : variants) {
                        Row row = measure(backend, meter, before, train, test, net, batch, d);
                        rows.add(row);
                        report(out, backend, row);
                    }
                }
            }
        }
        if (!json) {
            printTable(out, rows);
            printFloors(out, rows);
            for (Row row : rows) {
                out.println(new ObjectMapper().writeValueAsString(toMap(row)));
            }
            out.flush();
        }
        return Cli.OK;
    }

    /** The profile of a row (GPU with --profile), and with --json the row's JSON line, as soon as it is measured. */
    private void report(PrintWriter out, Backend backend, Row row) throws java.io.IOException {
        List<String> ops = backend.profileReport();
        if (!ops.isEmpty()) {
            out.println("profile, batch " + row.batchSize() + ", " + backend.description() + ":");
            ops.forEach(out::println);
        }
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(toMap(row)));
        }
        out.flush();
    }

    /** Trains one configuration; with a meter, the peak memory in use is read after every epoch (evaluation included). */
    private Row measure(Backend backend, GpuMeter meter, GpuFigures before, Dataset train, Dataset test, int[] net, int batch,
                        Deformation d) {
        double lr = learningRate != null ? learningRate : net == DEEP_HIDDEN ? DEEP_LR : batch == 1 ? 0.01 : 0.1;
        TrainSettings s = new TrainSettings(net, epochs, batch, lr, 0, new Schedule.Constant(lr), seed.seed, 0, d);
        int[] sizes = s.layerSizes(train.features(), Dataset.MAX_CLASSES);
        List<EpochRecord> records = new ArrayList<>();
        long[] peak = {meter == null ? 0 : meter.memory().used()};
        Trainer.Result r = new Trainer(backend).run(HeInit.initialise(sizes, seed.seed), train, test, s, rec -> {
            records.add(rec);
            if (meter != null) {
                peak[0] = Math.max(peak[0], meter.memory().used());
            }
        });
        double[] seconds = records.stream().mapToDouble(EpochRecord::seconds).toArray();
        double median = median(seconds);
        String shape = r.network().shape();
        EpochFlops flops = EpochFlops.of(sizes, train.count(), batch);
        GpuFigures gpu = meter == null ? null
                : new GpuFigures(before.sgemmFlopsPerSecond(), before.usedBeforeBytes(), peak[0], before.totalBytes());
        return new Row(shape, batch, lr, backend.description(), median, train.count() / median, r.test().accuracy(), seconds,
                d, flops, gpu);
    }

    static double gib(long bytes) {
        return bytes / (double) (1L << 30);
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
        m.put("epoch_flops", r.flops().total());
        if (r.gpu() != null) {
            m.put("sgemm_flops_per_s", r.gpu().sgemmFlopsPerSecond());
            m.put("floor_seconds", r.gpu().floorSeconds(r.flops()));
            m.put("median_over_floor", r.medianSeconds() / r.gpu().floorSeconds(r.flops()));
            m.put("gpu_memory_used_before_bytes", r.gpu().usedBeforeBytes());
            m.put("gpu_memory_peak_used_bytes", r.gpu().peakUsedBytes());
            m.put("gpu_memory_total_bytes", r.gpu().totalBytes());
        }
        return m;
    }

    /**
     * GPU rows only: the epoch's operations, every epoch time against the floor (the operations at the
     * measured SGEMM rate), and the peak memory in use.
     */
    private static void printFloors(PrintWriter out, List<Row> rows) {
        for (Row r : rows) {
            if (r.gpu() == null) {
                continue;
            }
            double floor = r.gpu().floorSeconds(r.flops());
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "%s, batch %d%s: %.3g TFLOP an epoch, floor %.4f s at %.1f TFLOP/s; epochs", r.shape(), r.batchSize(),
                    r.deformation().enabled() ? ", " + r.deformation().describe() : "", r.flops().total() / 1e12, floor,
                    r.gpu().sgemmFlopsPerSecond() / 1e12));
            for (double s : r.epochSeconds()) {
                b.append(String.format(Locale.ROOT, " %.4f s (%.2fx floor)", s, s / floor));
            }
            b.append(String.format(Locale.ROOT, "; peak GPU memory in use %.2f GiB of %.2f GiB", gib(r.gpu().peakUsedBytes()),
                    gib(r.gpu().totalBytes())));
            out.println(b);
        }
        out.flush();
    }

    private static void printTable(PrintWriter out, List<Row> rows) {
        boolean deformed = rows.stream().anyMatch(r -> r.deformation().enabled());
        int width = Math.max(12, rows.stream().mapToInt(r -> r.shape().length()).max().orElse(0));
        out.printf(Locale.ROOT, "%-" + width + "s %7s %7s %14s %12s %9s  %s%s%n", "network", "batch", "lr", "median epoch", "samples/s",
                "test acc", deformed ? "deformations  " : "", "device");
        Row plain = null;
        for (Row r : rows) {
            String extra = "";
            if (deformed) {
                boolean cost = r.deformation().enabled() && plain != null && plain.batchSize() == r.batchSize();
                extra = String.format(Locale.ROOT, "%-13s", r.deformation().describe()
                        + (cost ? String.format(Locale.ROOT, " (%.2fx)", r.medianSeconds() / plain.medianSeconds()) : "")) + " ";
            }
            out.printf(Locale.ROOT, "%-" + width + "s %7d %7s %12.3f s %12.0f %8.2f%%  %s%s%n", r.shape(), r.batchSize(),
                    r.learningRate(), r.medianSeconds(), r.samplesPerSecond(), 100 * r.testAccuracy(), extra, r.device());
            plain = r.deformation().enabled() ? plain : r;
        }
        out.flush();
    }
}
