// Parses a sweep file's YAML strictly: a key given twice or an alias (*name) is an error, not a silent surprise.
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
 * run a sweep other than the one the file seems to say, so both are refused.
 */
final class SweepYaml {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = new ObjectMapper(FACTORY);

    private SweepYaml() {
    }

    /** The document as a tree (null when empty); {@code what} names the file in errors. */
    static JsonNode parse(byte[] bytes, String what) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new UserError(what + " uses the YAML alias *" + p.getText() + " (line "
                            + p.currentLocation().getLineNr() + "): write the values out instead");
                }
            }
        }
        return YAML.readTree(bytes);
    }
}
