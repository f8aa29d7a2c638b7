// Tests LearningCurvePlot: a readable, non-blank PNG of the right size; one epoch; no points; no fonts.
package gpumlp.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurvePlotTest {
    @TempDir
    Path tmp;

    static final List<EpochPoint> THREE = List.of(
            new EpochPoint(1, 0.45, 0.87, 0.30, 0.91),
            new EpochPoint(2, 0.22, 0.935, Double.NaN, Double.NaN),
            new EpochPoint(3, 0.15, 0.956, 0.16, 0.952));

    @Test
    void threeEpochsMakeAColourfulPng() throws IOException {
        Path png = tmp.resolve("curves.png");
        Optional<String> warning = LearningCurvePlot.write(png, "784-800-10, batch 128, lr 0.1", "validation", THREE);
        assertTrue(warning.isEmpty(), warning.orElse(""));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LearningCurvePlot.WIDTH, image.getWidth());
        assertEquals(LearningCurvePlot.HEIGHT, image.getHeight());
        assertTrue(countColours(image) > 20, "colours: " + countColours(image));
        assertTrue(contains(image, LearningCurvePlot.TRAIN.getRGB()));
        assertTrue(contains(image, LearningCurvePlot.TEST.getRGB()));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(png), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void oneEpochStillPlotsAndReplacesAnOldFile() throws IOException {
        Path png = Files.writeString(tmp.resolve("one.png"), "old");
        LearningCurvePlot.write(png, "one", "test", List.of(new EpochPoint(1, 0.3, 0.9, 0.25, 0.92)));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LearningCurvePlot.WIDTH, image.getWidth());
        assertTrue(contains(image, LearningCurvePlot.TRAIN.getRGB()));
        assertTrue(contains(image, LearningCurvePlot.TEST.getRGB()));
    }

    @Test
    void noPointsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> LearningCurvePlot.write(tmp.resolve("x.png"), "t", "validation", List.of()));
    }

    @Test
    void failingFontsGiveAPlotWithoutTextAndAWarning() {
        Supplier<Font> broken = () -> {
            throw new InternalError("Fontconfig head is null, check your fonts or fonts configuration");
        };
        LearningCurvePlot.Rendered r = LearningCurvePlot.render("t", "validation", THREE, broken);
        assertTrue(r.warning().orElseThrow().contains("without text"));
        assertTrue(contains(r.image(), LearningCurvePlot.TRAIN.getRGB()));
        assertTrue(countColours(r.image()) > 5);
    }

    @Test
    void unevaluatedTestValuesAreSkipped() {
        Supplier<Font> font = () -> new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        List<EpochPoint> noTest = List.of(new EpochPoint(1, 0.5, 0.8, Double.NaN, Double.NaN),
                new EpochPoint(2, 0.4, 0.85, Double.NaN, Double.NaN));
        List<EpochPoint> withTest = List.of(new EpochPoint(1, 0.5, 0.8, 0.45, 0.82),
                new EpochPoint(2, 0.4, 0.85, 0.42, 0.84));
        LearningCurvePlot.Rendered without = LearningCurvePlot.render("t", "validation", noTest, font);
        LearningCurvePlot.Rendered with = LearningCurvePlot.render("t", "validation", withTest, font);
        int test = LearningCurvePlot.TEST.getRGB();
        assertTrue(without.warning().isEmpty());
        assertTrue(contains(without.image(), LearningCurvePlot.TRAIN.getRGB()));
        assertTrue(2 * count(without.image(), test) < count(with.image(), test), "only the legend shows the test colour");
    }

    private static int countColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static boolean contains(BufferedImage image, int argb) {
        return count(image, argb) > 0;
    }

    /** Pixels of exactly this colour. */
    private static int count(BufferedImage image, int argb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (image.getRGB(x, y) == (argb | 0xff000000)) {
                    n++;
                }
            }
        }
        return n;
    }
}
