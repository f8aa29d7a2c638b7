// Tests DigitImage: formats and polarities agree, MNIST geometry (20-px box, centre of mass), clear errors.
package gpumlp.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gpumlp.UserError;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitImageTest {
    @TempDir
    Path tmp;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(DigitImageTest.class.getResource("/digits/" + name).toURI());
    }

    /** The original MNIST test image 0 (a 7), white on black, as gray[28][28]. */
    static int[][] mnistSeven() throws URISyntaxException, IOException {
        return PgmReader.read(Files.readAllBytes(resource("seven-ascii.pgm")), "seven-ascii.pgm");
    }

    @Test
    void allFormatsAndPolaritiesGiveNearlyTheSameDigit() throws Exception {
        byte[] png = DigitImage.load(resource("seven.png"), 28, 28); // 112x112, black on white
        byte[] pgm = DigitImage.load(resource("seven.pgm"), 28, 28); // same, P5
        byte[] ascii = DigitImage.load(resource("seven-ascii.pgm"), 28, 28); // 28x28, white on black
        assertEquals(784, png.length);
        assertArrayEquals(png, pgm);
        assertTrue(meanAbsDiff(png, ascii) < 6, "png vs ascii: " + meanAbsDiff(png, ascii));

        int[][] inverted = mnistSeven();
        for (int[] row : inverted) {
            for (int x = 0; x < row.length; x++) {
                row[x] = 255 - row[x];
            }
        }
        assertArrayEquals(ascii, DigitImage.prepare(inverted, 28, 28));
    }

    @Test
    void anMnistDigitComesOutCloseToItself() throws Exception {
        int[][] seven = mnistSeven();
        byte[] original = flatten(seven);
        byte[] prepared = DigitImage.prepare(seven, 28, 28);
        assertTrue(meanAbsDiff(original, prepared) < 25, "mean |diff| " + meanAbsDiff(original, prepared));
        assertClose(centreOfMass(original, 28, 28), centreOfMass(prepared, 28, 28), 1.0);
    }

    @Test
    void manyMnistDigitsComeOutCloseToThemselves() {
        gpumlp.data.Dataset test = gpumlp.data.DataDirectory.test(Path.of("data/mnist-subset")); // committed: never skipped
        byte[] all = test.images();
        assertEquals(1000, test.count());
        for (int i = 0; i < 200; i++) {
            int[][] gray = new int[28][28]; // [r][c]
            for (int p = 0; p < 784; p++) {
                gray[p / 28][p % 28] = all[i * 784 + p] & 0xff;
            }
            byte[] original = flatten(gray);
            byte[] prepared = DigitImage.prepare(gray, 28, 28);
            double diff = meanAbsDiff(original, prepared);
            assertTrue(diff < 25, "image " + i + ": mean |diff| " + diff);
            assertClose(centreOfMass(original, 28, 28), centreOfMass(prepared, 28, 28), 1.0);
        }
    }

    @Test
    void aSmoothlyEnlargedOffCentreScanComesBackToMnistShape() throws Exception {
        int[][] seven = mnistSeven();
        BufferedImage small = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                small.getRaster().setSample(x, y, 0, 255 - seven[y][x]); // dark on light
            }
        }
        BufferedImage scan = new BufferedImage(170, 130, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = scan.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 170, 130);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 5, 20, 93, 93, null); // 28 -> 93 px, 3.3x, near the left edge
        g.dispose();
        byte[] out = DigitImage.prepare(GrayImageReader.toGray(scan), 28, 28);
        byte[] original = flatten(seven);
        assertTrue(meanAbsDiff(original, out) < 15, "mean |diff| " + meanAbsDiff(original, out));
        assertClose(centreOfMass(original, 28, 28), centreOfMass(out, 28, 28), 1.0);
    }

    @Test
    void outputIsCentredAndFitsTheTwentyPixelBox() throws Exception {
        byte[] out = DigitImage.load(resource("seven.png"), 28, 28);
        double[] com = centreOfMass(out, 28, 28);
        assertClose(new double[] {13.5, 13.5}, com, 1.0);
        assertClose(new double[] {14, 14}, com, 0.6);
        int[] box = boundingBox(out, 28, 28);
        int longer = Math.max(box[0], box[1]);
        assertTrue(longer >= 19 && longer <= 20, "longer side " + longer);
        int max = 0;
        for (byte b : out) {
            max = Math.max(max, b & 0xff);
        }
        assertEquals(255, max);
    }

    @Test
    void otherSizesScaleTheBox() throws Exception {
        byte[] out = DigitImage.prepare(mnistSeven(), 16, 16);
        assertEquals(256, out.length);
        int[] box = boundingBox(out, 16, 16);
        assertTrue(Math.max(box[0], box[1]) <= 11, "box " + box[0] + "x" + box[1]); // round(20/28*16)
    }

    @Test
    void sixteenBitPgmIsScaled() throws Exception {
        int[][] seven = mnistSeven();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("P5 # 16-bit\n28 28 65535\n".getBytes(StandardCharsets.US_ASCII));
        for (int[] row : seven) {
            for (int g : row) {
                int v = g * 257;
                bytes.write(v >> 8);
                bytes.write(v & 0xff);
            }
        }
        Path file = Files.write(tmp.resolve("deep.pgm"), bytes.toByteArray());
        assertArrayEquals(DigitImage.prepare(seven, 28, 28), DigitImage.load(file, 28, 28));
    }

    @Test
    void colourAlphaAndBmpMatchTheGrayPng() throws Exception {
        int[][] gray = GrayImageReader.read(resource("seven.png")); // [112][112], black on white
        int n = gray.length;
        BufferedImage argb = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
        BufferedImage bgr = new BufferedImage(n, n, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int g = gray[y][x];
                int ink = 255 - g; // opacity of black ink over a transparent (black-coloured) background
                argb.setRGB(x, y, ink << 24);
                bgr.setRGB(x, y, 0xff000000 | g << 16 | g << 8 | g);
            }
        }
        Path png = tmp.resolve("alpha.png");
        Path bmp = tmp.resolve("gray.bmp");
        ImageIO.write(argb, "png", png.toFile());
        ImageIO.write(bgr, "bmp", bmp.toFile());
        byte[] expected = DigitImage.load(resource("seven.png"), 28, 28);
        assertArrayEquals(expected, DigitImage.load(png, 28, 28));
        assertArrayEquals(expected, DigitImage.load(bmp, 28, 28));
    }

    /** A white digit drawn on a transparent canvas (RGBA, and gray with alpha) reads as the black-on-white one. */
    @Test
    void whiteInkOnTransparencyIsTheSameDigit() throws Exception {
        int[][] gray = GrayImageReader.read(resource("seven.png")); // [112][112], black on white
        int n = gray.length;
        BufferedImage argb = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
        ComponentColorModel grayAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        BufferedImage ga = new BufferedImage(grayAlpha, grayAlpha.createCompatibleWritableRaster(n, n), false, null);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int ink = 255 - gray[y][x]; // opacity of white ink
                argb.setRGB(x, y, ink << 24 | 0xffffff);
                ga.getRaster().setPixel(x, y, new int[] {255, ink});
            }
        }
        Path rgba = tmp.resolve("white-rgba.png");
        Path grayPng = tmp.resolve("white-gray-alpha.png");
        ImageIO.write(argb, "png", rgba.toFile());
        ImageIO.write(ga, "png", grayPng.toFile());
        byte[] expected = DigitImage.load(resource("seven.png"), 28, 28);
        assertArrayEquals(expected, DigitImage.load(rgba, 28, 28));
        assertArrayEquals(expected, DigitImage.load(grayPng, 28, 28));
    }

    /** Paper with a few transparent pixels (a rounded corner) is still paper: transparency stays white there. */
    @Test
    void aMostlyOpaquePictureKeepsAWhiteBackground() {
        double[][] level = {{255, 255, 255, 255}, {255, 0, 0, 255}, {255, 255, 255, 255}};
        double[][] opaque = {{0, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 0}};
        assertEquals(255, GrayImageReader.background(level, opaque));
        double[][] mostlyClear = {{0, 0, 0, 0}, {0, 1, 1, 0}, {0, 0, 0, 0}};
        assertEquals(255, GrayImageReader.background(level, mostlyClear), "dark ink on transparency: paper white");
        double[][] lightInk = {{0, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}};
        assertEquals(0, GrayImageReader.background(level, lightInk), "light ink on transparency: black");
        assertEquals(255, GrayImageReader.background(level, new double[3][4]), "nothing opaque at all");
    }

    @Test
    void blankImageIsAUserError() throws IOException {
        BufferedImage white = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                white.setRGB(x, y, 0xfafafa);
            }
        }
        Path file = tmp.resolve("blank.png");
        ImageIO.write(white, "png", file.toFile());
        UserError e = assertThrows(UserError.class, () -> DigitImage.load(file, 28, 28));
        assertEquals(file + ": the image is blank: no digit found", e.getMessage());
    }

    @Test
    void garbageFileIsAUserErrorNamingIt() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.png"), "this is not a picture\n");
        UserError e = assertThrows(UserError.class, () -> DigitImage.load(file, 28, 28));
        assertEquals(file + ": not a PNG/JPEG/BMP/GIF or PGM image", e.getMessage());
    }

    @Test
    void truncatedPgmIsAUserErrorNamingIt() throws IOException {
        Path file = Files.writeString(tmp.resolve("short.pgm"), "P5\n28 28\n255\nabc");
        UserError e = assertThrows(UserError.class, () -> DigitImage.load(file, 28, 28));
        assertTrue(e.getMessage().startsWith(file + ": truncated PGM"), e.getMessage());
        Path ascii = Files.writeString(tmp.resolve("bad.pgm"), "P2\n2 2\n255\n1 2 x 4\n");
        e = assertThrows(UserError.class, () -> DigitImage.load(ascii, 28, 28));
        assertTrue(e.getMessage().startsWith(ascii + ": bad PGM pixel data"), e.getMessage());
    }

    @Test
    void missingFileIsAUserError() {
        Path file = tmp.resolve("nope.png");
        UserError e = assertThrows(UserError.class, () -> DigitImage.load(file, 28, 28));
        assertEquals(file + ": no such file", e.getMessage());
    }

    private static byte[] flatten(int[][] gray) {
        int w = gray[0].length;
        byte[] out = new byte[gray.length * w];
        for (int y = 0; y < gray.length; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (byte) gray[y][x];
            }
        }
        return out;
    }

    private static double meanAbsDiff(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return sum / a.length;
    }

    /** {row, col} centre of mass of img[rows*cols] in pixel-index coordinates. */
    static double[] centreOfMass(byte[] img, int rows, int cols) {
        double mass = 0, r = 0, c = 0;
        for (int i = 0; i < img.length; i++) {
            double v = img[i] & 0xff;
            mass += v;
            r += v * (i / cols);
            c += v * (i % cols);
        }
        return new double[] {r / mass, c / mass};
    }

    /** {height, width} of the box around the non-zero pixels of img[rows*cols]. */
    private static int[] boundingBox(byte[] img, int rows, int cols) {
        int top = rows, bottom = -1, left = cols, right = -1;
        for (int i = 0; i < img.length; i++) {
            if (img[i] != 0) {
                top = Math.min(top, i / cols);
                bottom = Math.max(bottom, i / cols);
                left = Math.min(left, i % cols);
                right = Math.max(right, i % cols);
            }
        }
        return new int[] {bottom - top + 1, right - left + 1};
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance) {
        for (int k = 0; k < expected.length; k++) {
            assertTrue(Math.abs(expected[k] - actual[k]) <= tolerance,
                    "expected (" + expected[0] + ", " + expected[1] + ") got (" + actual[0] + ", " + actual[1] + ")");
        }
    }
}
