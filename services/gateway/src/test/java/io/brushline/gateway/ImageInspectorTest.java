package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector(TestConfig.gateway(1_000_000, 4_000_000, java.util.Map.of()));

    static byte[] encode(BufferedImage image, String format) throws IOException {
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    /** Busy pixels, so that every part of the encoded file matters to the decode. */
    static BufferedImage patterned(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 7919 + y * 104729) & 0xffffff);
            }
        }
        return image;
    }

    @Test
    void acceptsJpegAndPngWithTheirSize() throws IOException {
        var image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        assertEquals(new ImageInspector.ImageInfo("image/jpeg", 64, 48), inspector.inspect(encode(image, "jpg"), "image"));
        assertEquals(new ImageInspector.ImageInfo("image/png", 64, 48), inspector.inspect(encode(image, "png"), "image"));
    }

    /** ImageIO's default stream would write each upload to a temporary file before reading it. */
    @Test
    void checksUploadsWithoutTemporaryFiles() throws Exception {
        byte[] jpeg = encode(patterned(512, 512), "jpg");
        byte[] png = encode(patterned(300, 200), "png");
        java.nio.file.Path cache = java.nio.file.Files.createTempDirectory("imageio-cache");
        java.io.File before = ImageIO.getCacheDirectory();
        ImageIO.setCacheDirectory(cache.toFile());
        try (var watch = cache.getFileSystem().newWatchService()) {
            cache.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            inspector.inspect(jpeg, "image");
            inspector.inspect(png, "image");
            var created = watch.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertEquals(null, created, "a file was created in ImageIO's cache directory");
        } finally {
            ImageIO.setCacheDirectory(before);
        }
    }

    @Test
    void refusesWhatIsNotAnImage() {
        var e = assertThrows(ApiException.class, () -> inspector.inspect("hello".getBytes(), "image"));
        assertEquals("invalid_image", e.code());
        assertTrue(e.getMessage().contains("not an image"));
    }

    @Test
    void refusesEmptyUploads() {
        var e = assertThrows(ApiException.class, () -> inspector.inspect(new byte[0], "image"));
        assertTrue(e.getMessage().contains("empty"));
    }

    @Test
    void imagesAreCheckedFromASubsampledDecodeThatStillFindsDamage() throws IOException {
        // decoded keeping every second (512x512) or seventh (3 megapixels) pixel of every such row
        var large = new ImageInspector(TestConfig.gateway(20_000_000, 40_000_000, java.util.Map.of()));
        for (var image : List.of(patterned(512, 512), patterned(2000, 1500))) {
            for (String format : new String[] {"jpg", "png"}) {
                byte[] encoded = encode(image, format);
                assertEquals(image.getWidth(), large.inspect(encoded, "image").width());
                var e = assertThrows(ApiException.class,
                        () -> large.inspect(Arrays.copyOf(encoded, encoded.length * 2 / 3), "image"), format);
                assertEquals("invalid_image", e.code(), format);
            }
        }
    }

    @Test
    void refusesTruncatedJpeg() throws IOException {
        var image = patterned(256, 256);
        byte[] jpeg = encode(image, "jpg");
        var e = assertThrows(ApiException.class,
                () -> inspector.inspect(Arrays.copyOf(jpeg, jpeg.length * 2 / 3), "image"));
        assertEquals("invalid_image", e.code());
        assertTrue(e.getMessage().contains("damaged or truncated"), e.getMessage());
    }

    @Test
    void refusesOversizedUploadsBeforeDecoding() {
        var e = assertThrows(ApiException.class, () -> inspector.inspect(new byte[1_000_001], "image"));
        assertEquals(Response.Status.REQUEST_ENTITY_TOO_LARGE, e.status());
    }

    @Test
    void refusesDecompressionBombFromItsHeader() throws IOException {
        byte[] bomb = blackPng(30_000, 30_000);
        assertTrue(bomb.length < 2_000_000, "the bomb is small on disk: " + bomb.length);
        var e = assertThrows(ApiException.class, () -> inspector.inspect(bomb, "image"));
        assertEquals(Response.Status.REQUEST_ENTITY_TOO_LARGE, e.status());
        assertTrue(e.getMessage().contains("30000x30000"), e.getMessage());
    }

    /** A grayscale PNG of the given size whose pixels are all zero: tiny compressed, huge decoded. */
    static byte[] blackPng(int width, int height) throws IOException {
        var idat = new ByteArrayOutputStream();
        try (var deflate = new DeflaterOutputStream(idat, new Deflater(9))) {
            byte[] row = new byte[width + 1];
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        }
        var png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array();
        chunk(png, "IHDR", header);
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        var crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
