// Callback through which a backend reports progress inside an epoch, when the listener asks for it.
package gpumlp.backend;

/**
 * A backend calls {@link #due(long)} after each step (it must be cheap) and, only when it returns
 * true, reads its running totals and calls {@link #update}: a GPU backend copies from the device
 * only then.
 */
public interface EpochProgress {
    boolean due();

    /** As {@link #due()}, told how many samples of the epoch are done (a sink may ask every N steps). */
    default boolean due(long samplesDone) {
        return due();
    }

    void update(long samplesDone, double lossSum, long correct);

    /**
     * True when training should stop as soon as the current step is done (a SIGTERM, for example).
     * A backend asks after each step (the GPU after each replayed graph of steps) and then returns
     * the stats of the steps done so far, whose sample count tells the trainer where it stopped.
     */
    default boolean stopRequested() {
        return false;
    }

    /** Both sinks: each gets the updates it asked for; stop when either asks. */
    static EpochProgress both(EpochProgress a, EpochProgress b) {
        return new EpochProgress() {
            private boolean aDue;
            private boolean bDue;

            @Override
            public boolean due() {
                aDue = a.due();
                bDue = b.due();
                return aDue || bDue;
            }

            @Override
            public boolean due(long samplesDone) {
                aDue = a.due(samplesDone);
                bDue = b.due(samplesDone);
                return aDue || bDue;
            }

            @Override
            public void update(long samplesDone, double lossSum, long correct) {
                if (aDue) {
                    a.update(samplesDone, lossSum, correct);
                }
                if (bDue) {
                    b.update(samplesDone, lossSum, correct);
                }
            }

            @Override
            public boolean stopRequested() {
                return a.stopRequested() || b.stopRequested();
            }
        };
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
