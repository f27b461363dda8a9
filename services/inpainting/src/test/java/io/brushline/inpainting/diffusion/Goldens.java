package io.brushline.inpainting.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import io.brushline.inpainting.PaintRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * The golden data of tools/models/make_painting_goldens.py: tiny random-weight models of the real
 * architectures exported by tools/export/export_painting.py, inputs, initial latents and what the
 * reference pipelines painted from them.
 */
final class Goldens {

    static {
        ImageCodec.init();
    }

    private Goldens() {
    }

    static Path dir(String kind) {
        var url = Goldens.class.getResource("/golden/" + kind);
        if (url == null) {
            throw new IllegalStateException("golden data for " + kind + " is missing from the test resources");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path model(String kind) {
        return dir(kind).resolve("model");
    }

    static JsonNode golden(String kind) {
        return golden(kind, "case.json");
    }

    static JsonNode golden(String kind, String file) {
        try {
            return new ObjectMapper().readTree(dir(kind).resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mat image(Path file) {
        try {
            return ImageCodec.decodeColor(Files.readAllBytes(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mat mask(Path file) {
        try {
            return ImageCodec.decodeMask(Files.readAllBytes(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden case of {@code kind} as the service would ask for it. */
    static PaintRequest request(String kind) {
        JsonNode golden = golden(kind);
        return new PaintRequest(image(dir(kind).resolve("image.png")), mask(dir(kind).resolve("mask.png")),
                Category.LOCAL, "cat", golden.get("prompt").asText(), golden.get("negativePrompt").asText(),
                golden.get("seed").asLong(), golden.get("instruction").asText());
    }

    static Sampling sampling(String kind, Scheduler.Kind scheduler) {
        JsonNode golden = golden(kind);
        return new Sampling(golden.get("steps").asInt(), scheduler, golden.get("guidanceScale").asDouble(),
                golden.get("longSide").asInt());
    }

    /** The float32 values of a file written by the golden script (int32 rank, int64 dims, values). */
    static float[] floats(Path file) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int rank = buffer.getInt();
            long count = 1;
            for (int i = 0; i < rank; i++) {
                count *= buffer.getLong();
            }
            float[] values = new float[(int) count];
            buffer.asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest per-channel difference between two 8-bit images of the same size. */
    static double maxDifference(Mat a, Mat b) {
        if (!a.size().equals(b.size()) || a.type() != b.type()) {
            throw new AssertionError("images differ in size or type: " + a + " vs " + b);
        }
        Mat diff = new Mat();
        Core.absdiff(a, b, diff);
        return Core.minMaxLoc(diff.reshape(1)).maxVal;
    }

    /** Peak signal-to-noise ratio in dB (infinite for identical images). */
    static double psnr(Mat a, Mat b) {
        return Core.PSNR(a, b);
    }
}
