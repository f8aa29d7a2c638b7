// Words for the YAML parser's errors: where the file is wrong and what was found, without the parser's Java class names.
package gpumlp.sweep;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * SnakeYAML's message leads with its context ("while parsing a flow sequence") and puts the problem on
 * a later line; Jackson's own messages show SnakeYAML events as {@code <org.yaml.snakeyaml.events.
 * SequenceStartEvent(...)>}, and both name tokens as {@code <block end>}. The problem is kept, located
 * at the place it was found, with events and tokens said in words.
 */
final class YamlErrors {
    private static final Pattern EVENT = Pattern.compile("<?org\\.yaml\\.snakeyaml\\.[a-z]+\\.(\\w+?)(?:Event|Token)?"
            + "(?:\\([^)]*\\))?>?");
    private static final Pattern TOKEN = Pattern.compile("'?<([a-z ]+)>'?");
    private static final Map<String, String> KINDS = Map.ofEntries(Map.entry("SequenceStart", "a list"),
            Map.entry("MappingStart", "a mapping"), Map.entry("SequenceEnd", "the end of a list"),
            Map.entry("MappingEnd", "the end of a mapping"), Map.entry("Scalar", "a value"), Map.entry("Alias", "an alias"),
            Map.entry("DocumentStart", "the start of a document"), Map.entry("DocumentEnd", "the end of a document"),
            Map.entry("StreamStart", "the start of the file"), Map.entry("StreamEnd", "the end of the file"),
            Map.entry("scalar", "a value"), Map.entry("stream end", "the end of the file"),
            Map.entry("stream start", "the start of the file"), Map.entry("block end", "the end of an indented block"),
            Map.entry("block mapping start", "an indented mapping"), Map.entry("block sequence start", "an indented list"),
            Map.entry("alias", "an alias"), Map.entry("anchor", "an anchor"), Map.entry("tag", "a tag"),
            Map.entry("directive", "a directive"), Map.entry("document start", "'---'"),
            Map.entry("document end", "'...'"), Map.entry("comment", "a comment"));

    private YamlErrors() {}

    /** "(line L, column C): what is wrong", one line. */
    static String describe(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y && y.getProblem() != null) {
                Mark at = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
                return (at == null ? "" : "(line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1) + "): ")
                        + words(y.getProblem());
            }
        }
        JsonLocation at = e.getLocation();
        String text = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
        if (text.startsWith("Expected a field name")) { // Jackson: a key that is a list or a mapping
            text = "a parameter name must be a plain word, not a list or mapping";
        }
        return (at == null || at.getLineNr() < 1 ? "" : "(line " + at.getLineNr() + ", column " + at.getColumnNr() + "): ")
                + words(text);
    }

    /** The problem with event and token names in words. */
    static String words(String problem) {
        String text = problem.lines().findFirst().orElse("").strip();
        text = replace(EVENT, text);
        text = replace(TOKEN, text);
        return text.replace("'\\t(TAB)'", "a tab").replace("\\t(TAB)", "a tab").replace("end of stream", "end of the file");
    }

    private static String replace(Pattern p, String text) {
        Matcher m = p.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(KINDS.getOrDefault(m.group(1), "something else")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
