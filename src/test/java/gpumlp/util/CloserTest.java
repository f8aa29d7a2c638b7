// The closer frees newest first, tries every resource, keeps the first failure and frees nothing it handed over.
package gpumlp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloserTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable resource(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name, RuntimeException e) {
        return () -> {
            closed.add(name);
            throw e;
        };
    }

    @Test
    void closesInTheReverseOrderOfRegistration() {
        try (Closer c = new Closer()) {
            c.register(resource("a"));
            c.register(null);
            c.register(resource("b"));
            c.register(resource("c"));
        }
        assertEquals(List.of("c", "b", "a"), closed);
    }

    @Test
    void registerReturnsTheResource() {
        AutoCloseable r = resource("a");
        try (Closer c = new Closer()) {
            assertSame(r, c.register(r));
        }
    }

    @Test
    void aFailureSkipsNothingAndTheFirstOneIsThrownWithTheOthersSuppressed() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        Closer c = new Closer();
        c.register(failing("a", second));
        c.register(resource("b"));
        c.register(failing("c", first));
        RuntimeException thrown = assertThrows(RuntimeException.class, c::close);
        assertSame(first, thrown);
        assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
        assertEquals(List.of("c", "b", "a"), closed);
    }

    @Test
    void anErrorIsKeptAsTheFirstFailure() {
        AssertionError error = new AssertionError("native crash");
        Closer c = new Closer();
        c.register(resource("a"));
        c.register(() -> {
            throw error;
        });
        assertSame(error, assertThrows(AssertionError.class, c::close));
        assertEquals(List.of("a"), closed);
    }

    @Test
    void aCheckedFailureIsWrapped() {
        IOException io = new IOException("disk");
        Closer c = new Closer();
        c.register(() -> {
            throw io;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, c::close);
        assertSame(io, e.getCause());
    }

    @Test
    void theBodysExceptionWinsAndFreeingFailuresAreSuppressedIntoIt() {
        IllegalStateException freeing = new IllegalStateException("free failed");
        RuntimeException body = new RuntimeException("allocation failed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
            try (Closer undo = new Closer()) {
                undo.register(resource("a"));
                undo.register(failing("b", freeing));
                throw body;
            }
        });
        assertSame(body, thrown);
        assertArrayEquals(new Throwable[] {freeing}, thrown.getSuppressed());
        assertEquals(List.of("b", "a"), closed);
    }

    @Test
    void handedOverResourcesAreNotClosed() {
        try (Closer undo = new Closer()) {
            undo.register(resource("a"));
            undo.handOver();
            undo.register(resource("b"));
        }
        assertEquals(List.of("b"), closed);
    }

    @Test
    void closingTwiceClosesOnce() {
        Closer c = new Closer();
        c.register(resource("a"));
        c.close();
        c.close();
        assertEquals(List.of("a"), closed);
    }

    @Test
    void closeAllClosesInTheGivenOrderAndTriesEveryOne() {
        IllegalStateException e = new IllegalStateException("x");
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> Closer.closeAll(resource("a"), null, failing("b", e), resource("c")));
        assertSame(e, thrown);
        assertEquals(List.of("a", "b", "c"), closed);
        assertTrue(thrown.getSuppressed().length == 0);
    }

    @Test
    void closeAllOfAnArrayNeverMadeIsNothingToDo() {
        AutoCloseable[] none = null; // e.g. the model's buffers before any upload
        Closer.closeAll(none);
        Closer.closeAll();
        assertEquals(List.of(), closed);
    }
}
