// picocli type converters for values that are more than a number: --validation, --patience and --hidden's sizes.
package gpumlp.cli;

import gpumlp.train.ValidationSplit;
import picocli.CommandLine;

final class Converters {
    private Converters() {}

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
                int k = Integer.parseInt(v);
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number of epochs of at least 1, or off");
        }
    }

    /** One hidden layer size: a whole number from 1 to {@link #MAX_HIDDEN}. */
    static final class HiddenSize implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int h;
            try {
                h = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an int");
            }
            if (h < 1 || h > MAX_HIDDEN) {
                throw new CommandLine.TypeConversionException("--hidden sizes must be between 1 and " + MAX_HIDDEN + ", got " + h);
            }
            return h;
        }
    }

    static final int MAX_HIDDEN = 1_000_000;
}
