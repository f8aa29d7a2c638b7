// Options that deform each training image anew every epoch: --elastic, --rotate, --scale, --shear, --translate (train, bench, deform-preview).
package gpumlp.cli;

import gpumlp.backend.Deformation;
import picocli.CommandLine;
import picocli.CommandLine.Option;

final class DeformOptions {
    @Option(names = "--elastic", paramLabel = "ALPHA,SIGMA",
            description = "Elastic distortions (Simard et al. 2003): a random displacement field, uniform in [-1, 1] per "
                    + "pixel and axis, smoothed by a Gaussian of standard deviation SIGMA pixels and scaled by ALPHA, "
                    + "drawn anew for every sample in every epoch. Simard: 34,4; Ciresan: 34 to 38, sigma 5 to 6. Default: off.")
    String elastic;

    @Option(names = "--rotate", paramLabel = "DEG", defaultValue = "0",
            description = "Rotate each training image by an angle drawn from [-DEG, DEG] degrees. Default: ${DEFAULT-VALUE}.")
    double rotate;

    @Option(names = "--scale", paramLabel = "PCT", defaultValue = "0",
            description = "Scale each axis of each training image by a factor drawn from [1 - PCT/100, 1 + PCT/100] "
                    + "(Ciresan: 15). Default: ${DEFAULT-VALUE}.")
    double scale;

    @Option(names = "--shear", paramLabel = "DEG", defaultValue = "0",
            description = "Shear each training image horizontally by an angle drawn from [-DEG, DEG] degrees. "
                    + "Default: ${DEFAULT-VALUE}.")
    double shear;

    @Option(names = "--translate", paramLabel = "PX", defaultValue = "0",
            description = "Shift each training image along each axis by a distance drawn from [-PX, PX] pixels. "
                    + "Default: ${DEFAULT-VALUE}.")
    double translate;

    /** The settings, or a usage error (exit code 2) naming the bad option; checked in float32, as the settings hold them. */
    Deformation validated(CommandLine cmd) {
        float alpha = 0f;
        float sigma = 0f;
        if (elastic != null) {
            String[] parts = elastic.strip().split(",", -1);
            double a = parts.length == 2 ? number(parts[0]) : Double.NaN;
            double s = parts.length == 2 ? number(parts[1]) : Double.NaN;
            Checks.require(cmd, a >= 0 && a <= 1000 && (float) s > 0f && s <= Deformation.MAX_SIGMA,
                    "--elastic must be ALPHA,SIGMA with ALPHA in [0, 1000] and SIGMA in (0, " + (int) Deformation.MAX_SIGMA
                            + "] pixels, e.g. 34,4, got '" + elastic + "'");
            alpha = (float) a;
            sigma = (float) s;
        }
        Checks.require(cmd, rotate >= 0 && rotate <= 180, "--rotate must be in [0, 180] degrees, got " + rotate);
        Checks.require(cmd, scale >= 0 && (float) scale < 100f, "--scale must be in [0, 100) percent, got " + scale);
        Checks.require(cmd, shear >= 0 && (float) shear < 90f, "--shear must be in [0, 90) degrees, got " + shear);
        Checks.require(cmd, translate >= 0 && translate <= 1000, "--translate must be in [0, 1000] pixels, got " + translate);
        return new Deformation(alpha, sigma, (float) rotate, (float) scale, (float) shear, (float) translate);
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
