// Reads PGM images (P2 ASCII and P5 binary, maxval up to 65535) into gray levels 0..255.
package gpumlp.image;

import gpumlp.UserError;

/**
 * A small reader for the Netpbm gray-map format. The header is {@code P2|P5 width height maxval},
 * separated by whitespace, with {@code #} comments running to the end of a line. P5 samples follow
 * one whitespace byte after maxval, one byte each (maxval &lt; 256) or two bytes big-endian;
 * P2 samples are decimal numbers. Samples are scaled from 0..maxval to 0..255.
 */
final class PgmReader {
    private final byte[] data;
    private final String name;
    private int pos;

    private PgmReader(byte[] data, String name) {
        this.data = data;
        this.name = name;
    }

    /** True when the bytes start with a PGM magic number (P2 or P5). */
    static boolean looksLikePgm(byte[] data) {
        return data.length >= 2 && data[0] == 'P' && (data[1] == '2' || data[1] == '5');
    }

    /**
     * Decodes a PGM file's bytes.
     *
     * @param name the file name, used in error messages
     * @return gray[height][width], values 0..255
     */
    static int[][] read(byte[] data, String name) {
        return new PgmReader(data, name).read();
    }

    private int[][] read() {
        if (!looksLikePgm(data)) {
            throw error("not a PGM image (expected P2 or P5 at the start)");
        }
        boolean binary = data[1] == '5';
        pos = 2;
        int width = headerInt("width");
        int height = headerInt("height");
        int maxval = headerInt("maxval");
        if (width < 1 || height < 1) {
            throw error("bad PGM header: width and height must be positive, got " + width + "x" + height);
        }
        if (maxval < 1 || maxval > 65535) {
            throw error("bad PGM header: maxval must be 1..65535, got " + maxval);
        }
        GrayImageReader.checkPixels(width, height, name);
        long pixels = (long) width * height;
        int bytesPerSample = maxval < 256 ? 1 : 2;
        if (binary) {
            if (pos >= data.length || !isSpace(data[pos])) {
                throw error("bad PGM header: expected one whitespace byte after maxval");
            }
            pos++;
            long needed = pixels * bytesPerSample;
            if (data.length - pos < needed) {
                throw error("truncated PGM: expected " + needed + " bytes of pixel data, found " + (data.length - pos));
            }
        } else if (pixels > data.length - pos) {
            throw error("truncated PGM: expected " + pixels + " samples, the file is too short");
        }
        int[][] gray = new int[height][width]; // [y][x]
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v;
                if (!binary) {
                    v = asciiSample();
                } else if (bytesPerSample == 1) {
                    v = data[pos++] & 0xff;
                } else {
                    v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
                    pos += 2;
                }
                if (v > maxval) {
                    throw error("bad PGM pixel at row " + y + ", column " + x + ": " + v + " exceeds maxval " + maxval);
                }
                gray[y][x] = (int) ((v * 255L + maxval / 2) / maxval);
            }
        }
        return gray;
    }

    private int headerInt(String what) {
        skipSpaceAndComments();
        int value = number();
        if (value < 0) {
            throw error("bad PGM header: expected " + what + " as a decimal number");
        }
        return value;
    }

    private int asciiSample() {
        skipSpaceAndComments();
        if (pos >= data.length) {
            throw error("truncated PGM: fewer samples than width x height");
        }
        int value = number();
        if (value < 0) {
            throw error("bad PGM pixel data: unexpected character '" + (char) (data[pos] & 0xff) + "'");
        }
        return value;
    }

    /** Parses a non-negative decimal at pos; -1 when there is no digit there. */
    private int number() {
        long value = 0;
        int start = pos;
        while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
            value = value * 10 + (data[pos] - '0');
            if (value > Integer.MAX_VALUE) {
                throw error("bad PGM: number too large");
            }
            pos++;
        }
        return pos == start ? -1 : (int) value;
    }

    private void skipSpaceAndComments() {
        while (pos < data.length) {
            if (isSpace(data[pos])) {
                pos++;
            } else if (data[pos] == '#') {
                while (pos < data.length && data[pos] != '\n' && data[pos] != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }

    private UserError error(String message) {
        return new UserError(name + ": " + message);
    }
}
