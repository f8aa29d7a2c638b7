// An error the user can act on (bad file, bad value, missing device): the CLI prints its message alone, no stack trace.
package gpumlp;

public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
