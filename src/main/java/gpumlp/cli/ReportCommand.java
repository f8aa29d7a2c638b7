// `gpu-mlp report DIR`: one table of every run's result under DIR (a sweep's output), best validation accuracy first; also CSV or JSON.
package gpumlp.cli;

import gpumlp.sweep.SweepReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Collects the result.json of every run below DIR (what train --sweep writes into each run's "
                + "directory, or train --result) into one table, ranked by validation accuracy (the test figures are shown, "
                + "never used to rank), and names the sweep combinations that have no result yet.",
                "Example: gpu-mlp report runs/sweep --format csv > sweep.csv"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK, "1:DIR is not a readable directory", ExitCodes.USAGE})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The directory to search (a sweep's --sweep-dir).")
    Path dir;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Format format;

    /** Output formats. */
    enum Format { table, csv, json }

    @Override
    public Integer call() {
        SweepReport report = SweepReport.collect(dir);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        switch (format) {
            case table -> {
                out.print(report.rows().isEmpty() ? "no results below " + gpumlp.util.OneLine.of(dir.toString()) + "\n" : report.table());
                report.best().ifPresent(b -> out.printf(java.util.Locale.ROOT, "best by validation accuracy: %s "
                        + "(validation %.2f%%, test %.2f%%)%n", gpumlp.util.OneLine.of(b.run()), 100 * b.validationAccuracy(), 100 * b.testAccuracy()));
            }
            case csv -> out.print(report.csv());
            case json -> out.print(report.json());
            default -> throw new IllegalStateException(format.toString());
        }
        out.flush();
        for (String u : report.unreadable()) {
            err.println("gpu-mlp: warning: unreadable result " + u);
        }
        if (!report.missing().isEmpty()) {
            err.println("gpu-mlp: note: " + report.missing().size() + " sweep combination(s) have no result yet: "
                    + report.missing().stream().map(i -> String.format("run-%04d", i)).collect(Collectors.joining(", ")));
        }
        err.flush();
        return Cli.OK;
    }
}
