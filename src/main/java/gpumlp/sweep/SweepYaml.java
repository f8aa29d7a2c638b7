// Parses a sweep file's YAML strictly: text other than UTF-8, a key given twice, an alias (*name) or a second document is an error.
package gpumlp.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import gpumlp.UserError;
import java.io.IOException;

/**
 * Jackson reads a YAML alias as the plain string of its anchor's name, so {@code lr: *rates}
 * would become the value "rates"; and by default a duplicate key keeps its last value. Both would
 * run a sweep other than the one the file seems to say, so both are refused; so is a second document
 * (after {@code ---}), which would be ignored.
 */
final class SweepYaml {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = new ObjectMapper(FACTORY);

    private SweepYaml() {
    }

    /** The document as a tree (null when empty); {@code what} names the file in errors. */
    static JsonNode parse(byte[] bytes, String what) throws IOException {
        Utf8Text.require(bytes, what);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            int depth = 0;
            boolean rootDone = false;
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (rootDone) {
                    throw new UserError(what + " holds a second YAML document (line " + p.currentLocation().getLineNr()
                            + "): a sweep file is one document; put all the parameters in it");
                }
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new UserError(what + " uses the YAML alias *" + p.getText() + " (line "
                            + p.currentLocation().getLineNr() + "): write the values out instead");
                }
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                rootDone = depth == 0;
            }
        }
        return YAML.readTree(bytes);
    }
}
