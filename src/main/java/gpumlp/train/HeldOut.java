// Which images score each epoch: the validation split, or (with --validation 0) the test set, said plainly.
package gpumlp.train;

public enum HeldOut {
    validation("validation", "val"),
    test("test", "test");

    private final String key;
    private final String label;

    HeldOut(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The prefix of the metrics fields: "validation" gives validation_loss and validation_accuracy. */
    public String key() {
        return key;
    }

    /** The short word of the epoch line: "val" or "test". */
    public String label() {
        return label;
    }
}
