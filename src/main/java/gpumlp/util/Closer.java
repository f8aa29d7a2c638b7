// Frees what was registered in the reverse order of creation, trying every one and keeping the first failure.
package gpumlp.util;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One closing discipline for native resources (device memory, streams, handles). A constructor
 * registers each resource as it makes it, inside {@code try (Closer undo = new Closer())}, and calls
 * {@link #handOver()} once it is complete: on an exception before that, every resource made so far
 * is freed, newest first, and the failures of freeing are added to the first exception as
 * suppressed. A {@code close()} method registers its steps in the reverse order of running them (so
 * they run in creation order backwards) and calls {@link #close()}: a step that throws does not skip
 * the later ones, and the first failure is rethrown with the others suppressed.
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers {@code resource} (null is ignored) and returns it. */
    public <T extends AutoCloseable> T register(T resource) {
        if (resource != null) {
            resources.push(resource);
        }
        return resource;
    }

    /** Forgets every registered resource without closing it: their owner is now the caller. */
    public void handOver() {
        resources.clear();
    }

    /**
     * Closes every registered resource, the last registered first, each once. Every one is tried; the
     * first failure is rethrown (a checked exception wrapped) with the later ones suppressed.
     */
    @Override
    public void close() {
        Throwable first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Throwable t) { // an Error in one must not leak the others
                if (first == null) {
                    first = t;
                } else if (first != t) {
                    first.addSuppressed(t);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException("closing failed: " + first, first);
        }
    }

    /** Closes each of {@code resources} that is not null (the array may be null), in the order given; see {@link #close()}. */
    public static void closeAll(AutoCloseable... resources) {
        if (resources == null) {
            return;
        }
        try (Closer c = new Closer()) {
            for (int i = resources.length - 1; i >= 0; i--) {
                c.register(resources[i]);
            }
        }
    }
}
