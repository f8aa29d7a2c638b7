// picocli type converters: --validation, --patience, --hidden's sizes, and whole numbers in ASCII digits only.
package gpumlp.cli;

import gpumlp.train.ValidationSplit;
import picocli.CommandLine;

final class Converters {
    private Converters() {}

    /** An optional sign and ASCII digits: Integer.parseInt alone also takes full-width and other scripts' digits (１６). */
    private static final java.util.regex.Pattern ASCII_WHOLE = java.util.regex.Pattern.compile("[+-]?[0-9]+");

    /** {@code text} as an int, in ASCII digits only; NumberFormatException otherwise (or out of range). */
    static int asciiInt(String text) {
        if (!ASCII_WHOLE.matcher(text).matches()) {
            throw new NumberFormatException("not ASCII digits: " + text);
        }
        return Integer.parseInt(text);
    }

    /** Every int option (--epochs, --batch-size, --index): picocli's own converter takes any script's digits. */
    static final class AsciiInt implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return asciiInt(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an int");
            }
        }
    }

    /** Every long option, as {@link AsciiInt}. */
    static final class AsciiLong implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                if (!ASCII_WHOLE.matcher(value).matches()) {
                    throw new NumberFormatException(value);
                }
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a long");
            }
        }
    }

    /** A count, a fraction (0.1 or 1/6) or 0. */
    static final class Validation implements CommandLine.ITypeConverter<ValidationSplit> {
        @Override
        public ValidationSplit convert(String value) {
            try {
                return ValidationSplit.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** "off" (0) or a number of epochs of at least 1. */
    static final class Patience implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.strip();
            if (v.equalsIgnoreCase("off")) {
                return 0;
            }
            try {
                int k = asciiInt(v);
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number of epochs of at least 1, or off");
        }
    }

    /** --hidden: one or more whole numbers from 1 to {@link #MAX_HIDDEN}, comma separated ("800", "512,256"). */
    static final class HiddenSizes implements CommandLine.ITypeConverter<HiddenOption.HiddenSizes> {
        @Override
        public HiddenOption.HiddenSizes convert(String value) {
            if (value.isBlank()) {
                throw new CommandLine.TypeConversionException("the list of sizes is empty: give one or more sizes "
                        + "separated by commas, e.g. 800 or 512,256");
            }
            String[] parts = value.split(",", -1);
            int[] sizes = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].strip();
                if (part.isEmpty()) {
                    throw new CommandLine.TypeConversionException("'" + value + "' has an empty size: give one or more "
                            + "sizes separated by commas, e.g. 800 or 512,256");
                }
                try {
                    sizes[i] = asciiInt(part);
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("'" + part + "' is not a whole number (sizes are "
                            + "separated by commas, e.g. 512,256)");
                }
                if (sizes[i] < 1 || sizes[i] > MAX_HIDDEN) {
                    throw new CommandLine.TypeConversionException("--hidden sizes must be between 1 and " + MAX_HIDDEN
                            + ", got " + sizes[i]);
                }
            }
            return new HiddenOption.HiddenSizes(sizes);
        }
    }

    static final int MAX_HIDDEN = 1_000_000;
}
