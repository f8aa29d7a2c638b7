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
 * 0.299 R + 0.587 G + 0.114 B; transparent pixels are composited onto white. Gray images are read
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

    /** Gray levels of a decoded image, gray[y][x] in 0..255, alpha composited onto white. */
    static int[][] toGray(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] gray = new int[h][w]; // [y][x]
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            Raster raster = image.getRaster();
            double grayMax = (1L << cm.getComponentSize(0)) - 1;
            boolean alpha = cm.hasAlpha() && cm.getNumComponents() > 1;
            double alphaMax = alpha ? (1L << cm.getComponentSize(1)) - 1 : 1;
            boolean premultiplied = cm.isAlphaPremultiplied();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double g = raster.getSample(x, y, 0) / grayMax * 255.0;
                    if (alpha) {
                        double a = raster.getSample(x, y, 1) / alphaMax;
                        g = (premultiplied ? g : a * g) + (1 - a) * 255.0;
                    }
                    gray[y][x] = clamp(g);
                }
            }
            return gray;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y); // non-premultiplied sRGB
                double a = (argb >>> 24) / 255.0;
                double luma = 0.299 * ((argb >> 16) & 0xff) + 0.587 * ((argb >> 8) & 0xff) + 0.114 * (argb & 0xff);
                gray[y][x] = clamp(a * luma + (1 - a) * 255.0);
            }
        }
        return gray;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
