// Callback through which a backend reports progress inside an epoch, when the listener asks for it.
package gpumlp.backend;

/**
 * A backend calls {@link #due()} after each step (it must be cheap) and, only when it returns
 * true, reads its running totals and calls {@link #update}: a GPU backend copies from the device
 * only then.
 */
public interface EpochProgress {
    boolean due();

    void update(long samplesDone, double lossSum, long correct);

    /**
     * True when training should stop as soon as the current step is done (a SIGTERM, for example).
     * A backend asks after each step (the GPU after each replayed graph of steps) and then returns
     * the stats of the steps done so far, whose sample count tells the trainer where it stopped.
     */
    default boolean stopRequested() {
        return false;
    }

    EpochProgress NONE = new EpochProgress() {
        @Override
        public boolean due() {
            return false;
        }

        @Override
        public void update(long samplesDone, double lossSum, long correct) {}
    };
}
