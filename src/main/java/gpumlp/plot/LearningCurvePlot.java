// Writes a PNG with loss and accuracy learning curves (train and validation, or test) side by side, atomically, headless.
package gpumlp.plot;

import gpumlp.util.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * The learning-curve figure: a title line, then two panels, loss (left) and accuracy in percent
 * (right), each with a train line and a held-out line (named "validation", or "test" with --validation 0). Non-finite values (NaN: not evaluated) are skipped and
 * the line joins the neighbouring points; a single epoch shows as markers.
 *
 * <p>Rendering needs no display. If text cannot be drawn (in minimal containers font loading can
 * fail with an Error), the figure is drawn without any text and {@link #write} returns a warning.
 */
public final class LearningCurvePlot {
    static final int WIDTH = 1000;
    static final int HEIGHT = 450;
    static final Color TRAIN = new Color(31, 119, 180);
    static final Color TEST = new Color(230, 110, 10);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LearningCurvePlot() {
    }

    /** A rendered figure and, when text had to be left out, why. */
    record Rendered(BufferedImage image, Optional<String> warning) {
    }

    /**
     * Renders the figure and writes it to {@code png}, replacing it atomically (temporary file in the
     * same directory, then a move). Missing parent directories are created.
     *
     * @param heldOut what scored the epochs, the second line's name: "validation" or "test"
     * @param points one entry per epoch, in any order; must not be empty
     * @return a warning to show the user when the plot was drawn without text, else empty
     * @throws IllegalArgumentException when points is empty
     * @throws gpumlp.UserError when the file cannot be written
     */
    public static Optional<String> write(Path png, String title, String heldOut, List<EpochPoint> points) {
        Rendered rendered = render(title, heldOut, points, () -> new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        writeAtomically(png, encode(rendered.image()));
        return rendered.warning();
    }

    /** Draws with text from {@code font}; if that throws, draws again without text. */
    static Rendered render(String title, String heldOut, List<EpochPoint> points, Supplier<Font> font) {
        if (points == null || points.isEmpty()) {
            throw new IllegalArgumentException("no epochs to plot");
        }
        List<EpochPoint> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingInt(EpochPoint::epoch));
        String heading = title == null ? "" : title;
        try {
            return new Rendered(draw(heading, heldOut, sorted, font.get()), Optional.empty());
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw e;
        } catch (Throwable e) { // font subsystem failures surface as InternalError, UnsatisfiedLinkError, NPE...
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new Rendered(draw(heading, heldOut, sorted, null),
                    Optional.of("learning-curve plot drawn without text: fonts are unavailable (" + why + ")"));
        }
    }

    /** The figure; no text at all when font is null. */
    private static BufferedImage draw(String title, String heldOut, List<EpochPoint> points, Font font) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int top = 36;
            if (font != null) {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                Font big = font.deriveFont(Font.BOLD, font.getSize2D() + 4);
                g.setFont(big);
                g.setColor(Color.BLACK);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2f, 8 + fm.getAscent());
            }
            int n = points.size();
            double[] epoch = new double[n];
            double[] trainLoss = new double[n], testLoss = new double[n];
            double[] trainAcc = new double[n], testAcc = new double[n]; // percent
            for (int i = 0; i < n; i++) {
                EpochPoint p = points.get(i);
                epoch[i] = p.epoch();
                trainLoss[i] = p.trainLoss();
                testLoss[i] = p.heldOutLoss();
                trainAcc[i] = 100 * p.trainAccuracy();
                testAcc[i] = 100 * p.heldOutAccuracy();
            }
            int half = WIDTH / 2;
            new PlotPanel(new Rectangle(0, top, half, HEIGHT - top), "Loss", "epoch", "loss", true,
                    Double.POSITIVE_INFINITY, List.of(
                    new PlotPanel.Series("train", TRAIN, epoch, trainLoss),
                    new PlotPanel.Series(heldOut, TEST, epoch, testLoss))).draw(g, font);
            new PlotPanel(new Rectangle(half, top, WIDTH - half, HEIGHT - top), "Accuracy", "epoch", "accuracy (%)", false, 100,
                    List.of(new PlotPanel.Series("train", TRAIN, epoch, trainAcc),
                            new PlotPanel.Series(heldOut, TEST, epoch, testAcc))).draw(g, font);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return bytes.toByteArray();
    }

    private static void writeAtomically(Path png, byte[] bytes) {
        AtomicFiles.write(png, "learning-curve plot", out -> out.write(bytes));
    }
}
