// Draws gray images (values 0..1, white ink on black) as a PNG grid, each pixel enlarged to a square, cells apart.
package gpumlp.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

public final class DigitGrid {
    /** Gray level of the lines between cells, and of the wider line after the first column. */
    private static final int GAP_GRAY = 96;
    private static final int FIRST_COLUMN_GAP = 3;

    private DigitGrid() {}

    /**
     * PNG bytes of cells[row][column], each an h x w image (row-major, values clamped to 0..1),
     * every pixel drawn as zoom x zoom, cells one pixel apart; the first column is set off by a
     * wider line (the originals, beside their deformations).
     */
    /** The most pixels a grid may have (100 MB of gray levels); {@link #size} says how many one would. */
    public static final long MAX_PIXELS = 100_000_000L;

    /** {width, height} in pixels of the grid {@link #png} draws, computed without overflow. */
    public static long[] size(int rows, int cols, int h, int w, int zoom) {
        long width = cols * ((long) w * zoom) + (cols - 1) + (cols > 1 ? FIRST_COLUMN_GAP - 1 : 0);
        long height = rows * ((long) h * zoom) + (rows - 1);
        return new long[] {width, height};
    }

    public static byte[] png(float[][][] cells, int h, int w, int zoom) {
        int rows = cells.length;
        int cols = cells[0].length;
        int cellW = w * zoom;
        int cellH = h * zoom;
        int width = cols * cellW + (cols - 1) + (cols > 1 ? FIRST_COLUMN_GAP - 1 : 0);
        int height = rows * cellH + (rows - 1);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int gap = GAP_GRAY * 0x010101;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, gap);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int x0 = c * (cellW + 1) + (c > 0 ? FIRST_COLUMN_GAP - 1 : 0);
                int y0 = r * (cellH + 1);
                float[] cell = cells[r][c];
                for (int y = 0; y < cellH; y++) {
                    for (int x = 0; x < cellW; x++) {
                        float v = cell[(y / zoom) * w + x / zoom];
                        int g = Math.round(255f * Math.min(1f, Math.max(0f, v)));
                        img.setRGB(x0 + x, y0 + y, g * 0x010101);
                    }
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", bytes)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
