// The container and job templates: YAML that parses, a GPU per pod, sizes that match the sweep, a non-root image.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import gpumlp.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("deploy"))) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** Every document of a (multi-document) YAML file; a syntax error fails the test. */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (JsonParser p = YAML.getFactory().createParser(file.toFile())) {
            YAML.readValues(p, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst().orElseThrow();
    }

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 3, files.toString());
        for (Path f : files) {
            assertFalse(documents(f).isEmpty(), f + " is empty");
        }
    }

    @Test
    void theKubernetesJobsAskForOneGpuMountDataAndOutputAndRetryAStop() throws IOException {
        for (String file : List.of("deploy/kubernetes/train-job.yaml", "deploy/kubernetes/sweep-indexed-job.yaml")) {
            JsonNode job = kind(documents(Path.of(file)), "Job");
            JsonNode pod = job.path("spec").path("template").path("spec");
            JsonNode c = pod.path("containers").get(0);
            assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt(), file);
            List<String> mounts = new ArrayList<>();
            c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
            assertTrue(mounts.contains("/data") && mounts.contains("/out"), file + ": " + mounts);
            assertEquals("Never", pod.path("restartPolicy").asText(), file + ": podFailurePolicy needs it");
            boolean retries75 = false;
            for (JsonNode rule : job.path("spec").path("podFailurePolicy").path("rules")) {
                JsonNode codes = rule.path("onExitCodes");
                retries75 |= rule.path("action").asText().equals("Ignore") && codes.path("operator").asText().equals("In")
                        && codes.path("values").toString().equals("[75]")
                        && codes.path("containerName").asText().equals(c.path("name").asText());
            }
            assertTrue(retries75, file + ": exit code 75 (stopped with a checkpoint) is ignored, so the pod is retried");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), file);
        }
    }

    @Test
    void theIndexedJobRunsEveryCombinationOfItsSweep() throws IOException {
        List<JsonNode> docs = documents(Path.of("deploy/kubernetes/sweep-indexed-job.yaml"));
        JsonNode job = kind(docs, "Job");
        assertEquals("Indexed", job.path("spec").path("completionMode").asText());
        Path sweep = tmp.resolve("sweep.yaml");
        Files.writeString(sweep, kind(docs, "ConfigMap").path("data").path("sweep.yaml").asText());
        assertEquals(Sweep.read(sweep).size(), job.path("spec").path("completions").asLong(),
                "completions = the number of combinations in the ConfigMap's sweep");
    }

    @Test
    void theSlurmArrayAsksForAGpuPerTaskAndCoversTheSweep() throws IOException {
        String script = Files.readString(Path.of("deploy/slurm/sweep.sbatch"));
        assertTrue(script.contains("#SBATCH --gres=gpu:1"), "one GPU per task");
        Matcher array = Pattern.compile("#SBATCH --array=0-(\\d+)").matcher(script);
        assertTrue(array.find(), "an array job");
        assertEquals(Sweep.read(Path.of("deploy/sweep.yaml")).size() - 1, Long.parseLong(array.group(1)),
                "array indices 0..(combinations - 1) of deploy/sweep.yaml");
        assertTrue(script.contains("--signal=TERM@"), "SIGTERM before the time limit, for a checkpoint");
        assertTrue(script.contains("scontrol requeue"), "a stopped task is requeued and resumes");
    }

    @Test
    void theImageIsMultiStageOnTheCuda126RuntimeAndRunsAsAUser() throws IOException {
        String d = Files.readString(Path.of("Dockerfile"));
        List<String> from = Pattern.compile("(?m)^FROM (\\S+)").matcher(d).results().map(r -> r.group(1)).toList();
        assertEquals(2, from.size(), from.toString());
        assertTrue(from.get(1).matches("nvidia/cuda:12\\.6\\.\\d+-runtime-.*"), from.get(1));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(d);
        assertTrue(user.find() && !user.group(1).equals("root") && !user.group(1).equals("0"), "a non-root user");
        assertTrue(d.contains("RUN mvn -B package"), "the build stage runs the tests");
        String copied = String.join(" ", Pattern.compile("(?m)^COPY (?!--from)(.*)$").matcher(d).results()
                .map(r -> r.group(1)).toList());
        for (String needed : List.of("pom.xml", "kernels", "src", "data/mnist-subset", "README.md", "Dockerfile",
                ".dockerignore", "deploy")) {
            assertTrue(copied.contains(needed), "the build stage copies " + needed + ", which the tests read: " + copied);
        }
        String ignore = Files.readString(Path.of(".dockerignore"));
        for (String p : List.of("target", ".devkit", "data/mnist", ".git")) {
            assertTrue(ignore.lines().anyMatch(l -> l.strip().equals(p)), ".dockerignore leaves out " + p);
        }
    }
}
