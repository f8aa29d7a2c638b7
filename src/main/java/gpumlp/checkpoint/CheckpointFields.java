// Strict reading of checkpoint.json's fields: each of its JSON type and in its range, or the checkpoint is damaged.
package gpumlp.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import gpumlp.UserError;
import gpumlp.train.EpochRecord;
import gpumlp.train.HeldOut;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-edited or damaged checkpoint.json may hold a string where a number belongs ("NaN"), a number
 * out of range (a count above the samples it counts) or a flag of the wrong type; each is a
 * {@link UserError} that names the file and the field, so the checkpoint is skipped, never trained on.
 */
final class CheckpointFields {
    private final JsonNode json;
    private final String file;

    CheckpointFields(JsonNode json, String file) {
        this.json = json;
        this.file = file;
    }

    /** A whole number that fits an int; -1 when the field is missing (the position check then names it). */
    int position(String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? -1 : (int) whole(n, field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A whole number from min to max. */
    long whole(String field, long min, long max) {
        return whole(json.get(field), field, min, max);
    }

    /** A finite number from min to max. */
    double number(String field, double min, double max) {
        return number(json.get(field), field, min, max);
    }

    /** true or false; missing is false (the entries it would announce are then refused as strays). */
    boolean flag(String field) {
        JsonNode n = json.get(field);
        if (n == null) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new UserError(file + ": " + field + " is " + shown(n) + ", not true or false");
        }
        return n.asBoolean();
    }

    /** The finished epochs' records: epoch i + 1 at index i, every figure a finite number in its range. */
    List<EpochRecord> records() {
        JsonNode list = json.get("records");
        if (list == null || !list.isArray()) {
            throw new UserError(file + ": records is " + shown(list) + ", not a list of epoch records");
        }
        List<EpochRecord> records = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            String at = "records[" + i + "].";
            if (!r.isObject()) {
                throw new UserError(file + ": records[" + i + "] is " + shown(r) + ", not an epoch record");
            }
            long epoch = whole(r.get("epoch"), at + "epoch", i + 1, i + 1);
            HeldOut held = r.has("validation_loss") ? HeldOut.validation : HeldOut.test;
            records.add(new EpochRecord((int) epoch, number(r.get("lr"), at + "lr", 0, Double.MAX_VALUE),
                    number(r.get("train_loss"), at + "train_loss", 0, Double.MAX_VALUE),
                    number(r.get("train_accuracy"), at + "train_accuracy", 0, 1), held,
                    number(r.get(held.key() + "_loss"), at + held.key() + "_loss", 0, Double.MAX_VALUE),
                    number(r.get(held.key() + "_accuracy"), at + held.key() + "_accuracy", 0, 1),
                    number(r.get("seconds"), at + "seconds", 0, Double.MAX_VALUE),
                    whole(r.get("samples"), at + "samples", 1, Integer.MAX_VALUE)));
        }
        return records;
    }

    private long whole(JsonNode n, String field, long min, long max) {
        if (n == null || !n.isIntegralNumber()) {
            throw new UserError(file + ": " + field + " is " + shown(n) + ", not a whole number");
        }
        if (!n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new UserError(file + ": " + field + " is " + shown(n) + ", " + range(min, max));
        }
        long v = n.asLong();
        return v;
    }

    private double number(JsonNode n, String field, double min, double max) {
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new UserError(file + ": " + field + " is " + shown(n) + ", not a finite number");
        }
        double v = n.asDouble();
        if (v < min || v > max) {
            throw new UserError(file + ": " + field + " is " + shown(n) + ", " + range(min, max));
        }
        return v;
    }

    /** "not 0", "outside the range 0 to 1", "outside the range from 0 up". */
    private static String range(double min, double max) {
        if (min == max) {
            return "not " + plain(min);
        }
        return "outside " + (max == Double.MAX_VALUE || max == Long.MAX_VALUE
                ? "the range from " + plain(min) + " up" : "the range " + plain(min) + " to " + plain(max));
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** A JSON value as written, shortened: "NaN" (a string), 1.5, null, or missing. */
    private static String shown(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
