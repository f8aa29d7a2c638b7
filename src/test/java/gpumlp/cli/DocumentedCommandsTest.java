// Every gpu-mlp command line written in the README, the Dockerfile and deploy/ parses with the CLI, so docs cannot drift.
package gpumlp.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DocumentedCommandsTest {
    /** A documented invocation: where it is written and the arguments gpu-mlp gets. */
    record Invocation(String where, List<String> args) {}

    private static final Pattern FENCE = Pattern.compile("(?s)```[a-z]*\\n(.*?)```");
    private static final List<String> COMMANDS = List.of("train", "eval", "predict", "export", "bench", "doctor",
            "report", "help");
    private static final Pattern VARIABLE = Pattern.compile("^\\$\\{?\\w+}?$");

    @Test
    void everyCommandInTheReadmeParses() throws IOException {
        List<Invocation> found = new ArrayList<>();
        Matcher m = FENCE.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            found.addAll(shellInvocations("README.md", m.group(1)));
        }
        assertTrue(found.size() >= 20, "the README's examples were found: " + found.size());
        assertAllParse(found);
    }

    @Test
    void theReadmesTrainExamplesEachWriteTheirOwnModel() throws IOException {
        Map<Path, String> writers = new java.util.HashMap<>();
        List<String> clashes = new ArrayList<>();
        Matcher m = FENCE.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            for (Invocation inv : shellInvocations("README.md", m.group(1))) {
                if (!inv.where().contains("-jar") || inv.args().isEmpty() || !inv.args().get(0).equals("train")
                        || inv.args().contains("--sweep") || inv.args().contains("--help")) {
                    continue; // containers and sweeps write into their own volumes and run directories
                }
                CommandLine cli = Cli.newCommandLine(Map.of());
                cli.parseArgs(inv.args().toArray(String[]::new));
                TrainCommand train = (TrainCommand) cli.getSubcommands().get("train").getCommandSpec().userObject();
                for (Path out : new Path[] {train.output, train.onnx}) {
                    String before = out == null ? null : writers.putIfAbsent(out.normalize(), inv.where());
                    if (before != null) {
                        clashes.add(out + ": " + before + " and " + inv.where());
                    }
                }
            }
        }
        assertTrue(writers.size() >= 8, "the README's train examples were found: " + writers);
        assertTrue(clashes.isEmpty(), "README examples that overwrite another's output:\n" + String.join("\n", clashes));
    }

    @Test
    void theDockerfileCommandParses() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
        assertTrue(entry.find(), "ENTRYPOINT in exec form");
        List<String> entrypoint = List.of(new ObjectMapper().readValue(entry.group(1), String[].class));
        assertTrue(entrypoint.get(entrypoint.size() - 1).endsWith("gpu-mlp.jar"), entrypoint.toString());
        assertAllParse(List.of(new Invocation("Dockerfile CMD", imageCommand())));
        List<Invocation> comments = shellInvocations("Dockerfile", dockerfile.replaceAll("(?m)^#\\s*", ""));
        assertFalse(comments.isEmpty(), "the docker run example in the Dockerfile's header");
        assertAllParse(comments);
    }

    @Test
    void theKubernetesAndSlurmCommandsParse() throws IOException {
        List<Invocation> found = new ArrayList<>();
        for (Path yaml : DeployFilesTest.yamlFiles()) {
            for (JsonNode doc : DeployFilesTest.documents(yaml)) {
                for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                    List<String> args = new ArrayList<>();
                    container.path("args").forEach(a -> args.add(a.asText()));
                    found.add(new Invocation(yaml + " container " + container.path("name").asText(), args));
                }
            }
        }
        Path sbatch = Path.of("deploy/slurm/sweep.sbatch");
        List<Invocation> slurm = shellInvocations(sbatch.toString(), Files.readString(sbatch));
        assertTrue(found.size() >= 2 && slurm.size() >= 1, found + " " + slurm);
        found.addAll(slurm);
        assertAllParse(found);
    }

    private static void assertAllParse(List<Invocation> invocations) {
        List<String> failures = new ArrayList<>();
        for (Invocation inv : invocations) {
            try {
                CommandLine.ParseResult r = Cli.newCommandLine(Map.of()).parseArgs(inv.args().toArray(String[]::new));
                if (r.subcommand() == null && !r.isUsageHelpRequested() && !r.isVersionHelpRequested()) {
                    failures.add(inv.where() + ": " + inv.args() + ": no command");
                }
            } catch (CommandLine.ParameterException e) {
                failures.add(inv.where() + ": " + inv.args() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            fail("documented command lines that do not parse:\n" + String.join("\n", failures));
        }
    }

    /**
     * gpu-mlp invocations in shell text: `java ... -jar .../gpu-mlp.jar ARGS`, `gpu-mlp ARGS`, and
     * `docker|podman|apptainer|singularity run ... IMAGE ARGS` (optionally after srun) with an image
     * named gpu-mlp:TAG, *.sif or $IMAGE. Lines continued with a backslash are joined; the arguments
     * end at a shell operator or comment. A lone $VARIABLE argument stands for a number.
     */
    static List<Invocation> shellInvocations(String where, String text) {
        List<Invocation> out = new ArrayList<>();
        for (String line : text.replace("\\\n", " ").split("\n")) {
            List<String> t = tokens(line.strip());
            if (t.isEmpty() || t.get(0).startsWith("#")) {
                continue;
            }
            int start = -1;
            for (int i = 0; i < t.size(); i++) {
                String tok = t.get(i);
                if (tok.endsWith("gpu-mlp.jar") && i > 0 && t.get(i - 1).equals("-jar")) {
                    start = i + 1;
                    break;
                }
            }
            int first = t.get(0).equals("srun") ? 1 : 0;
            if (start < 0 && t.size() > first + 1 && t.get(first).matches("docker|podman|apptainer|singularity")
                    && t.get(first + 1).equals("run")) {
                for (int i = first + 2; i < t.size(); i++) {
                    String tok = t.get(i);
                    if (tok.matches("gpu-mlp:[\\w.-]+") || tok.endsWith(".sif") || tok.equals("$IMAGE")) {
                        start = i + 1;
                        break;
                    }
                }
            }
            if (start < 0 && t.get(0).equals("gpu-mlp") && t.size() > 1
                    && (t.get(1).startsWith("-") || COMMANDS.contains(t.get(1)))) {
                start = 1; // a bare `gpu-mlp COMMAND ...` (an installed wrapper), not prose that names it
            }
            if (start < 0) {
                continue;
            }
            List<String> args = new ArrayList<>();
            boolean image = start > 0 && !t.get(start - 1).endsWith("gpu-mlp.jar") && !t.get(start - 1).equals("gpu-mlp");
            for (String tok : t.subList(start, t.size())) {
                if (tok.matches("&&|\\|\\||\\||;|>|>>|2>|2>&1|&") || tok.startsWith("#")) {
                    break;
                }
                args.add(VARIABLE.matcher(tok).matches() ? "1" : tok);
            }
            if (args.isEmpty() && image) {
                args.addAll(imageCommand()); // a container run without arguments runs the image's CMD
            }
            out.add(new Invocation(where + ": " + line.strip(), args));
        }
        return out;
    }

    /** The Dockerfile's CMD, the arguments of a container run that gives none. */
    static List<String> imageCommand() {
        try {
            Matcher cmd = Pattern.compile("(?m)^CMD (\\[.*])$").matcher(Files.readString(Path.of("Dockerfile")));
            if (!cmd.find()) {
                throw new AssertionError("the Dockerfile has no CMD in exec form");
            }
            return List.of(new ObjectMapper().readValue(cmd.group(1), String[].class));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Shell words with single and double quotes removed (no expansion). */
    static List<String> tokens(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
