// --validation: counts and fractions, the held-out images are the last ones and never train, bad values refused.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.data.Dataset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationSplitTest {
    /** n 2x2 images whose first two pixels spell the image's index. */
    private static Dataset numbered(int n) {
        byte[] images = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            images[4 * i] = (byte) (i / 256);
            images[4 * i + 1] = (byte) (i % 256);
            labels[i] = (byte) (i % 10);
        }
        return new Dataset("numbered", images, labels, n, 2, 2);
    }

    private static Set<Integer> indices(Dataset d) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < d.count(); i++) {
            s.add(d.pixel(i, 0) * 256 + d.pixel(i, 1));
        }
        return s;
    }

    @Test
    void theDefaultIsTheUsualMnistSplitAndScalesWithTheLimit() {
        ValidationSplit d = ValidationSplit.parse(ValidationSplit.DEFAULT);
        assertEquals(10_000, d.heldOut(60_000), "MNIST: 50,000 train, 10,000 validation");
        assertEquals(833, d.heldOut(5_000));
        assertEquals(6_000, ValidationSplit.parse("0.1").heldOut(60_000));
        assertEquals(1_234, ValidationSplit.parse("1234").heldOut(60_000));
        assertEquals(1, ValidationSplit.parse("0.01").heldOut(20), "a fraction holds out at least one image");
        assertTrue(ValidationSplit.parse("0").none());
        assertEquals("0.25", ValidationSplit.parse("0.250").text());
    }

    @Test
    void validationAndTrainingImagesAreDisjointAndTheValidationImagesAreTheLast() {
        Dataset all = numbered(1_000);
        ValidationSplit.Parts p = ValidationSplit.parse("1/6").split(all, 600); // --limit 600
        assertEquals(500, p.train().count());
        assertEquals(100, p.validation().count());
        Set<Integer> train = indices(p.train());
        Set<Integer> validation = indices(p.validation());
        Set<Integer> both = new HashSet<>(train);
        both.retainAll(validation);
        assertTrue(both.isEmpty(), "shared images: " + both);
        Set<Integer> union = new HashSet<>(train);
        union.addAll(validation);
        assertEquals(600, union.size(), "together they are the first 600 images");
        assertTrue(validation.stream().allMatch(i -> i >= 500 && i < 600), "the last 100 of the 600 validate");
        for (int i = 0; i < p.validation().count(); i++) {
            assertEquals(all.label(500 + i), p.validation().label(i), "labels travel with their images");
        }
        assertEquals("numbered (images 501 to 600)", p.validation().name());
        ValidationSplit.Parts none = ValidationSplit.NONE.split(all, 0);
        assertNull(none.validation());
        assertEquals(1_000, none.train().count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "1.0", "6/6", "7/6", "0/6", "0.0", "abc", "1/0", ""})
    void nonsenseIsRefused(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSplit.parse(value));
        assertTrue(e.getMessage().contains("is not a count of images"), e.getMessage());
    }

    @Test
    void aSplitThatLeavesNothingToTrainOnIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationSplit.parse("3000").split(numbered(3_000), 0));
        assertTrue(e.getMessage().contains("leaves none to train on"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.parse("0.9").heldOut(3));
        assertEquals(2_999, ValidationSplit.parse("2999").heldOut(3_000));
    }
}
