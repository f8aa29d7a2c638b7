// Process entry point: runs the command line and is the only place that calls System.exit.
package gpumlp;

import gpumlp.cli.Cli;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Cli.catchEarlySignals(); // before anything slow: a SIGTERM during start-up is not lost
        int code;
        try {
            code = Cli.newCommandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // --limit only helps train, whose training set is what grows with the data
            boolean train = args.length > 0 && args[0].equals("train");
            System.err.println("gpu-mlp: out of memory: give the JVM more heap (java -Xmx8g -jar ...)"
                    + (train ? " or train on fewer samples with --limit" : ""));
            code = Cli.FAILURE;
        }
        System.exit(code);
    }
}
