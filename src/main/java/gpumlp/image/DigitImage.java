// Loads a user's digit picture and prepares it the way MNIST digits were: 20x20 box, anti-aliased, centred by mass.
package gpumlp.image;

import gpumlp.UserError;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Turns a picture of a handwritten digit into an MNIST-style input: {@code byte[rows*cols]}, uint8,
 * row-major, white digit on black.
 *
 * <p>MNIST (LeCun et al.) size-normalised each digit to fit a 20x20 box preserving its aspect ratio,
 * anti-aliased it to grey levels, and centred it in a 28x28 field by its centre of mass. The
 * preparation here follows that:
 *
 * <ol>
 *   <li><b>Polarity.</b> If the mean of the border pixels is brighter than 128, the picture is dark
 *       on light (ink on paper) and is inverted, since MNIST is white on black.
 *   <li><b>Background.</b> The median border level (paper grey, after inversion) is subtracted and
 *       negative values clamped to 0.
 *   <li><b>Bounding box.</b> The box around all pixels brighter than 10% of the maximum. If the
 *       maximum is below {@value #MIN_CONTRAST} grey levels there is no digit, a {@link UserError}.
 *   <li><b>Size.</b> The box is scaled so its longer side becomes round(20/28 * min(rows, cols))
 *       pixels (20 for 28x28), preserving the aspect ratio: area-averaging when shrinking, bilinear
 *       when enlarging, which gives the anti-aliased grey levels.
 *   <li><b>Centre.</b> The scaled digit is pasted into a black rows x cols canvas, shifted by a whole
 *       number of pixels so that its centre of mass lands on (rows/2, cols/2) in pixel-index
 *       coordinates (where MNIST's centres lie: the test set's mean is (14.0, 14.0)); pixels pushed
 *       past the border are clipped.
 *   <li><b>Contrast.</b> The levels are stretched so the maximum becomes 255.
 * </ol>
 */
public final class DigitImage {
    /** Below this peak brightness over the background (0..255) the picture counts as blank. */
    public static final int MIN_CONTRAST = 16;

    private DigitImage() {
    }

    /**
     * Reads a picture (PNG, JPEG, BMP, GIF or PGM P2/P5, any size) and prepares it.
     *
     * @return byte[rows*cols], element (r, c) at index r*cols + c, 0..255 as unsigned bytes
     * @throws UserError naming the file when it is missing, unreadable, not an image, or blank
     */
    public static byte[] load(Path file, int rows, int cols) {
        int[][] gray = GrayImageReader.read(file);
        try {
            return prepare(gray, rows, cols);
        } catch (UserError e) {
            throw new UserError(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Prepares gray levels as described in the class comment.
     *
     * @param gray [height][width], values 0..255, either polarity
     * @return byte[rows*cols], element (r, c) at index r*cols + c, white digit on black
     * @throws UserError "the image is blank: no digit found" when nothing stands out of the background
     */
    public static byte[] prepare(int[][] gray, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("rows and cols must be positive, got " + rows + "x" + cols);
        }
        double[][] v = toDouble(gray); // [h][w]
        int h = v.length;
        int w = v[0].length;

        // 1. polarity, 2. background
        if (borderMean(v) > 128) {
            for (double[] row : v) {
                for (int x = 0; x < w; x++) {
                    row[x] = 255 - row[x];
                }
            }
        }
        double background = borderMedian(v);
        double max = 0;
        for (double[] row : v) {
            for (int x = 0; x < w; x++) {
                row[x] = Math.max(0, row[x] - background);
                max = Math.max(max, row[x]);
            }
        }

        // 3. bounding box of pixels above 10% of the maximum
        if (max < MIN_CONTRAST) {
            throw new UserError("the image is blank: no digit found");
        }
        double threshold = 0.1 * max;
        int top = h, bottom = -1, left = w, right = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (v[y][x] > threshold) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        int boxH = bottom - top + 1;
        int boxW = right - left + 1;
        double[][] crop = new double[boxH][boxW]; // [y - top][x - left]
        for (int y = 0; y < boxH; y++) {
            System.arraycopy(v[top + y], left, crop[y], 0, boxW);
        }

        // 4. scale the longer side to the MNIST box size
        int box = Math.max(1, (int) Math.round(20.0 / 28.0 * Math.min(rows, cols)));
        double scale = (double) box / Math.max(boxH, boxW);
        int outH = Math.max(1, Math.min(box, (int) Math.round(boxH * scale)));
        int outW = Math.max(1, Math.min(box, (int) Math.round(boxW * scale)));
        double[][] digit = Resample.resize(crop, outH, outW); // [outH][outW]

        // 5. centre of mass to the canvas centre, whole-pixel shift
        double mass = 0, my = 0, mx = 0;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                mass += digit[y][x];
                my += digit[y][x] * y;
                mx += digit[y][x] * x;
            }
        }
        int offY = (int) Math.round(rows / 2.0 - my / mass);
        int offX = (int) Math.round(cols / 2.0 - mx / mass);
        double[] canvas = new double[rows * cols]; // [r * cols + c]
        double peak = 0;
        for (int y = 0; y < outH; y++) {
            int r = y + offY;
            if (r < 0 || r >= rows) {
                continue;
            }
            for (int x = 0; x < outW; x++) {
                int c = x + offX;
                if (c >= 0 && c < cols) {
                    canvas[r * cols + c] = digit[y][x];
                    peak = Math.max(peak, digit[y][x]);
                }
            }
        }

        // 6. stretch to a maximum of 255
        byte[] out = new byte[rows * cols];
        double gain = peak > 0 ? 255.0 / peak : 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.min(255, Math.round(canvas[i] * gain));
        }
        return out;
    }

    private static double[][] toDouble(int[][] gray) {
        if (gray.length == 0 || gray[0].length == 0) {
            throw new IllegalArgumentException("empty image");
        }
        int w = gray[0].length;
        double[][] v = new double[gray.length][w];
        for (int y = 0; y < gray.length; y++) {
            if (gray[y].length != w) {
                throw new IllegalArgumentException("ragged image: row " + y + " has " + gray[y].length + " pixels, row 0 has " + w);
            }
            for (int x = 0; x < w; x++) {
                int g = gray[y][x];
                if (g < 0 || g > 255) {
                    throw new IllegalArgumentException("gray level " + g + " at (" + y + ", " + x + ") is outside 0..255");
                }
                v[y][x] = g;
            }
        }
        return v;
    }

    /** The border pixels of v[h][w]: first and last row, first and last column, each pixel once. */
    private static double[] border(double[][] v) {
        int h = v.length;
        int w = v[0].length;
        double[] b = new double[h == 1 || w == 1 ? h * w : 2 * w + 2 * (h - 2)];
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                    b[n++] = v[y][x];
                }
                if (y > 0 && y < h - 1 && x == 0 && w > 1) {
                    x = w - 2; // jump to the last column
                }
            }
        }
        return b;
    }

    private static double borderMean(double[][] v) {
        double sum = 0;
        double[] b = border(v);
        for (double p : b) {
            sum += p;
        }
        return sum / b.length;
    }

    private static double borderMedian(double[][] v) {
        double[] b = border(v);
        Arrays.sort(b);
        return b.length % 2 == 1 ? b[b.length / 2] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
    }
}
