package io.brushline.gateway;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import io.brushline.common.stage.FailureCodes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Checks an upload before anything is stored: a known format, a size within limits (read from the
 * header, so a decompression bomb is refused before it is decoded), and pixels that decode without
 * damage (a truncated JPEG only produces a decoder warning, which counts as damage here). The stored
 * image is always the uploaded bytes, unchanged.
 *
 * <p>The decode only proves the data decodes, so it keeps every n-th pixel of every n-th row (about
 * {@value #CHECKED_PIXELS} pixels, a 256x256 sample): every byte is still read and decompressed, so
 * damage is still found, but a 40-megapixel upload takes well under a MB of heap instead of 120 MB or
 * more, and a 512x512 photo's check skips three quarters of the colour conversion and copying. At most
 * {@code concurrent-image-checks} decodes run at once; further uploads wait their turn for up to
 * {@code image-check-wait}, then get a 503 that says to retry.
 */
@ApplicationScoped
public class ImageInspector {

    /** What the gateway learned about an accepted image. */
    public record ImageInfo(String contentType, int width, int height) {
    }

    static final long CHECKED_PIXELS = 65_536;

    private final GatewayConfig config;
    private final Semaphore decodes;

    public ImageInspector(GatewayConfig config) {
        this.config = config;
        this.decodes = new Semaphore(config.concurrentImageChecks(), true);
        // Register the plugin readers (CMYK JPEG, WebP) with the class loader the application runs in.
        ImageIO.scanForPlugins();
    }

    public ImageInfo inspect(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0) {
            throw ApiException.badRequest(FailureCodes.INVALID_IMAGE, "the " + what + " is empty");
        }
        if (bytes.length > config.maxImageBytes()) {
            throw new ApiException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "image_too_large",
                    "the " + what + " is " + bytes.length + " bytes; the limit is " + config.maxImageBytes());
        }
        // In memory: ImageIO.createImageInputStream would copy every upload into a temporary file first.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.badRequest(FailureCodes.INVALID_IMAGE,
                        "the " + what + " is not an image in a supported format (JPEG, PNG, WebP, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > config.maxPixels()) {
                    throw new ApiException(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                            "image_too_large", "the " + what + " is " + width + "x" + height
                                    + " pixels; the limit is " + config.maxPixels() + " pixels");
                }
                reader.addIIOReadWarningListener((source, warning) -> {
                    // Colour-profile notices (e.g. CMYK without an embedded profile) are not damage.
                    if (!warning.contains("ICC") && !warning.contains("color profile")) {
                        throw new DamagedImage(warning);
                    }
                });
                decodeSubsampled(reader, width, height);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                String contentType = "image/" + ("jpg".equals(format) ? "jpeg" : format);
                // The pipeline decodes JPEGs upright (EXIF orientation applied), so sizes are given that way too.
                boolean quarterTurn = contentType.equals("image/jpeg") && turnsAQuarter(bytes);
                return quarterTurn ? new ImageInfo(contentType, height, width) : new ImageInfo(contentType, width, height);
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // DamagedImage from the warning listener, or the decoder's own error on broken data
            throw ApiException.badRequest(FailureCodes.INVALID_IMAGE,
                    "the " + what + " is damaged or truncated and cannot be decoded (" + e.getMessage() + ")");
        }
    }

    private void decodeSubsampled(ImageReader reader, int width, int height) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.ceil(Math.sqrt((double) width * height / CHECKED_PIXELS));
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        boolean turn;
        try {
            turn = decodes.tryAcquire(config.imageCheckWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "temporarily_unavailable",
                    "too many images are being checked right now; retry in a few seconds");
        }
        try {
            reader.read(0, param);
        } finally {
            decodes.release();
        }
    }

    /** Whether the EXIF orientation (5 to 8) rotates the image by 90 or 270 degrees. */
    static boolean turnsAQuarter(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes));
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif == null || !exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return false;
            }
            int orientation = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return orientation >= 5 && orientation <= 8;
        } catch (ImageProcessingException | MetadataException | IOException e) {
            // unreadable metadata: the pixels decoded fine, so take the image as stored
            return false;
        }
    }

    /** Raised from the decoder's warning callback to stop decoding a damaged file. */
    private static final class DamagedImage extends RuntimeException {
        DamagedImage(String message) {
            super(message);
        }
    }
}
