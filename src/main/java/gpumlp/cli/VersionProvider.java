// Supplies --version: the jar's Implementation-Version, the Java runtime and the OS.
package gpumlp.cli;

import gpumlp.model.ModelMetadata;
import picocli.CommandLine.IVersionProvider;

public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "gpu-mlp " + ModelMetadata.softwareVersion(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " CPU cores"
        };
    }
}
