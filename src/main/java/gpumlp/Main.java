// Process entry point: runs the command line and is the only place that calls System.exit.
package gpumlp;

import gpumlp.cli.Cli;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = Cli.newCommandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("gpu-mlp: out of memory: give the JVM more heap (java -Xmx8g -jar ...) or use --limit");
            code = Cli.FAILURE;
        }
        System.exit(code);
    }
}
