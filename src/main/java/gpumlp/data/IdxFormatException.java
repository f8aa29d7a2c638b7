// A malformed or unsupported IDX file; the message starts with the file path and says what was wrong.
package gpumlp.data;

import gpumlp.UserError;

public class IdxFormatException extends UserError {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
