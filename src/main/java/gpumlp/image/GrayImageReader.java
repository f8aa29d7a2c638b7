// Reads an image file (PNG/JPEG/BMP/GIF via ImageIO, or PGM) into gray levels gray[y][x] in 0..255.
package gpumlp.image;

import gpumlp.UserError;
import gpumlp.util.InputFiles;
import gpumlp.util.IoErrors;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns a picture file into gray levels. Colour is converted with the luma weights
 * 0.299 R + 0.587 G + 0.114 B; transparent pixels are composited onto white paper, or onto black
 * when the picture is light ink on a mostly transparent canvas (see {@link #toGray}). Gray images are read
 * from their raster directly (BufferedImage.getRGB would gamma-convert linear gray).
 */
final class GrayImageReader {
    /** 64 megapixels (8000x8000): more than any camera picture of a digit needs. */
    static final long MAX_PIXELS = 64_000_000;
    /** Image files larger than this are refused unread. */
    static final long MAX_FILE_BYTES = 256L << 20;

    private GrayImageReader() {
    }

    /** Reads the file; every failure is a UserError naming it. Returns gray[height][width]. */
    static int[][] read(Path file) {
        String name = file.toString();
        if (!Files.exists(file)) {
            throw new UserError(name + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(name + ": is a directory, not an image file");
        }
        InputFiles.regularFile(file, "image file", MAX_FILE_BYTES);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(name + ": cannot read the file (" + IoErrors.describe(e) + ")", e);
        }
        if (PgmReader.looksLikePgm(data)) {
            return PgmReader.read(data, name);
        }
        return toGray(decode(data, name));
    }

    /** Decodes the first image of the file, after checking the size its header declares. */
    private static BufferedImage decode(byte[] data, String name) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UserError(name + ": not a PNG/JPEG/BMP/GIF or PGM image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixels((long) reader.getWidth(0), reader.getHeight(0), name);
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError(name + ": damaged or unsupported image (" + e.getMessage() + ")", e);
        }
    }

    /** Refuses an image larger than {@link #MAX_PIXELS} before it is decoded. */
    static void checkPixels(long width, long height, String name) {
        if (width * height > MAX_PIXELS) {
            throw new UserError(String.format(Locale.ROOT, "%s: the image is %dx%d pixels, more than the %,d a digit "
                    + "picture may have: scale it down", name, width, height, MAX_PIXELS));
        }
    }

    /**
     * Gray levels of a decoded image, gray[y][x] in 0..255, with transparency composited onto a
     * background: white, unless most of the picture is transparent (ink drawn on a transparent
     * canvas), where the background is the opposite of the ink's mean level, so that white ink on
     * transparency comes out white on black rather than white on white.
     */
    static int[][] toGray(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] level = new double[h][w]; // [y][x] the pixel's own gray level, 0..255, before compositing
        double[][] alpha = new double[h][w]; // [y][x] opacity, 0..1
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            Raster raster = image.getRaster();
            double grayMax = (1L << cm.getComponentSize(0)) - 1;
            boolean hasAlpha = cm.hasAlpha() && cm.getNumComponents() > 1;
            double alphaMax = hasAlpha ? (1L << cm.getComponentSize(1)) - 1 : 1;
            boolean premultiplied = cm.isAlphaPremultiplied();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double g = raster.getSample(x, y, 0) / grayMax * 255.0;
                    double a = hasAlpha ? raster.getSample(x, y, 1) / alphaMax : 1;
                    level[y][x] = premultiplied && a > 0 ? Math.min(255, g / a) : g;
                    alpha[y][x] = a;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = image.getRGB(x, y); // non-premultiplied sRGB
                    level[y][x] = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
                    alpha[y][x] = (argb >>> 24) / 255.0;
                }
            }
        }
        double background = background(level, alpha);
        int[][] gray = new int[h][w]; // [y][x]
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                gray[y][x] = clamp(alpha[y][x] * level[y][x] + (1 - alpha[y][x]) * background);
            }
        }
        return gray;
    }

    /**
     * The level transparent pixels stand for: 255 (paper), or, when more than half the picture is
     * mostly transparent, 0 for light ink and 255 for dark ink (by the opacity-weighted mean level).
     */
    static double background(double[][] level, double[][] alpha) {
        long transparent = 0;
        long pixels = 0;
        double weight = 0;
        double sum = 0;
        for (int y = 0; y < level.length; y++) {
            for (int x = 0; x < level[y].length; x++) {
                pixels++;
                if (alpha[y][x] < 0.5) {
                    transparent++;
                }
                weight += alpha[y][x];
                sum += alpha[y][x] * level[y][x];
            }
        }
        if (2 * transparent <= pixels || weight == 0) {
            return 255;
        }
        return sum / weight > 127.5 ? 0 : 255;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
