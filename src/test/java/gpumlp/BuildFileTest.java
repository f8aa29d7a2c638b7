// The build keeps dependencies out of known-vulnerable ranges and keeps a way to report new advisories offline-safe.
package gpumlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BuildFileTest {
    @Test
    void jacksonIsPastThe2026AdvisoriesAndTheVulnerabilityReportIsAnOptInProfile() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<jackson.version>2\\.(\\d+)\\.(\\d+)</jackson.version>").matcher(pom);
        assertTrue(m.find(), "jackson.version is set in pom.xml");
        int minor = Integer.parseInt(m.group(1));
        int patch = Integer.parseInt(m.group(2));
        assertTrue(minor > 21 || (minor == 21 && patch >= 6), "Jackson 2." + minor + "." + patch
                + " is inside the ranges of advisories fixed in 2.21.4 to 2.21.6");
        int profile = pom.indexOf("<id>vulnerabilities</id>");
        assertTrue(profile > 0 && pom.indexOf("dependency-check-maven", profile) > 0,
                "mvn -Pvulnerabilities verify runs OWASP dependency-check");
        assertTrue(pom.indexOf("dependency-check-maven") > pom.indexOf("<profiles>"),
                "dependency-check runs only in its profile, so the normal build needs no network");
        assertTrue(Files.readString(Path.of("README.md")).contains("mvn -B -Pvulnerabilities verify"), "README documents it");
    }
}
