package io.brushline.gateway;

import io.brushline.common.stage.FailureCodes;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks an upload before anything is stored: a known format, a size within limits (read from the
 * header, so a decompression bomb is refused before it is decoded), and pixels that decode without
 * damage (a truncated JPEG only produces a decoder warning, which counts as damage here).
 */
@ApplicationScoped
public class ImageInspector {

    /** What the gateway learned about an accepted image. */
    public record ImageInfo(String contentType, int width, int height) {
    }

    private final GatewayConfig config;

    public ImageInspector(GatewayConfig config) {
        this.config = config;
    }

    public ImageInfo inspect(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0) {
            throw ApiException.badRequest(FailureCodes.INVALID_IMAGE, "the " + what + " is empty");
        }
        if (bytes.length > config.maxImageBytes()) {
            throw new ApiException(jakarta.ws.rs.core.Response.Status.REQUEST_ENTITY_TOO_LARGE, "image_too_large",
                    "the " + what + " is " + bytes.length + " bytes; the limit is " + config.maxImageBytes());
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.badRequest(FailureCodes.INVALID_IMAGE,
                        "the " + what + " is not an image in a supported format (JPEG, PNG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > config.maxPixels()) {
                    throw new ApiException(jakarta.ws.rs.core.Response.Status.REQUEST_ENTITY_TOO_LARGE,
                            "image_too_large", "the " + what + " is " + width + "x" + height
                                    + " pixels; the limit is " + config.maxPixels() + " pixels");
                }
                reader.addIIOReadWarningListener((source, warning) -> {
                    throw new DamagedImage(warning);
                });
                reader.read(0);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                return new ImageInfo("image/" + ("jpg".equals(format) ? "jpeg" : format), width, height);
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

    /** Raised from the decoder's warning callback to stop decoding a damaged file. */
    private static final class DamagedImage extends RuntimeException {
        DamagedImage(String message) {
            super(message);
        }
    }
}
