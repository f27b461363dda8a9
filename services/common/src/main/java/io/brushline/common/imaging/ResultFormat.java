package io.brushline.common.imaging;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * What a job's result is encoded as (README, `output_format`). A JPEG photo comes back as JPEG
 * unless PNG is asked for: re-encoding a photo that was lossy already as a lossless PNG makes a file
 * four times larger and costs the painting stage ten times the CPU (docs/benchmarks.md).
 */
public enum ResultFormat {
    @JsonProperty("png")
    PNG("image/png", ".png"),
    @JsonProperty("jpeg")
    JPEG("image/jpeg", ".jpg");

    /** What {@code output_format} takes when the client does not say: the format follows the source's. */
    public static final String AUTO = "auto";

    private final String contentType;
    private final String extension;

    ResultFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The file ending a result of this format is stored under, dot included. */
    public String extension() {
        return extension;
    }

    /** The format {@code image} is stored in: JPEG has no transparency, so an image with alpha stays PNG. */
    public ResultFormat forImage(Mat image) {
        return image.channels() == 4 ? PNG : this;
    }

    /** Encodes {@code image}, which {@link #forImage} has already said this format can hold. */
    public byte[] encode(Mat image) {
        return this == JPEG ? ImageCodec.encodeJpeg(image) : ImageCodec.encodePng(image);
    }

    /** The format of a job whose message names none: jobs queued before the format was carried were PNG. */
    public static ResultFormat orDefault(ResultFormat format) {
        return format == null ? PNG : format;
    }

    /**
     * The format asked for as {@code output_format} ({@code png}, {@code jpeg} or {@code jpg}, {@code auto},
     * any case; absent or blank means {@code auto}) for a source of {@code sourceContentType}; empty for
     * any other value.
     */
    public static Optional<ResultFormat> requested(String outputFormat, String sourceContentType) {
        String asked = outputFormat == null || outputFormat.isBlank() ? AUTO
                : outputFormat.strip().toLowerCase(Locale.ROOT);
        return switch (asked) {
            case "png" -> Optional.of(PNG);
            case "jpeg", "jpg" -> Optional.of(JPEG);
            case AUTO -> Optional.of(JPEG.contentType.equals(sourceContentType) ? JPEG : PNG);
            default -> Optional.empty();
        };
    }
}
