package io.brushline.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One edit to submit: an image (file, bytes or a URL the gateway fetches), an instruction, and
 * optionally a webhook, hints that replace detection (a box, points or a mask), a background image,
 * the format of the result and an idempotency key. Built with {@link #builder()}.
 */
public final class EditRequest {

    /** The format of the result. */
    public enum OutputFormat {
        /** JPEG (quality 95) for a JPEG photo, PNG for any other: the gateway's choice when none is given. */
        AUTO,
        /** Always PNG. */
        PNG,
        /** Always JPEG. */
        JPEG;

        /** The value of the gateway's {@code output_format} field ({@code auto}, {@code png}, {@code jpeg}). */
        public String formValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A point hint in pixels of the upright image.
     *
     * @param x column
     * @param y row
     * @param object true for a point on the object, false for a point that is not on it
     */
    public record Point(int x, int y, boolean object) {
    }

    private final byte[] image;
    private final String imageName;
    private final String imageUrl;
    private final String instruction;
    private final String webhookUrl;
    private final int[] box;
    private final List<Point> points;
    private final byte[] mask;
    private final byte[] backgroundImage;
    private final OutputFormat outputFormat;
    private final String idempotencyKey;

    private EditRequest(Builder b) {
        if (b.image == null && (b.imageUrl == null || b.imageUrl.isBlank())) {
            throw new IllegalArgumentException("an edit needs an image: a file, its bytes or an image URL");
        }
        if (b.image != null && b.imageUrl != null) {
            throw new IllegalArgumentException("an edit takes an image file or an image URL, not both");
        }
        if (b.instruction == null || b.instruction.isBlank()) {
            throw new IllegalArgumentException("an edit needs an instruction, such as \"remove the dog\"");
        }
        this.image = b.image;
        this.imageName = b.imageName;
        this.imageUrl = b.imageUrl;
        this.instruction = b.instruction;
        this.webhookUrl = b.webhookUrl;
        this.box = b.box;
        this.points = List.copyOf(b.points);
        this.mask = b.mask;
        this.backgroundImage = b.backgroundImage;
        this.outputFormat = b.outputFormat;
        this.idempotencyKey = b.idempotencyKey;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The idempotency key, or null. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** The instruction. */
    public String instruction() {
        return instruction;
    }

    /** The request as the gateway's multipart form. */
    Multipart toForm() {
        Multipart form = new Multipart();
        if (image != null) {
            form.file("image", imageName, image);
        } else {
            form.field("image_url", imageUrl);
        }
        form.field("instruction", instruction);
        if (webhookUrl != null) {
            form.field("webhook_url", webhookUrl);
        }
        if (box != null) {
            form.field("box", box[0] + "," + box[1] + "," + box[2] + "," + box[3]);
        }
        if (!points.isEmpty()) {
            StringJoiner json = new StringJoiner(",", "[", "]");
            for (Point p : points) {
                json.add("[" + p.x() + "," + p.y() + (p.object() ? "" : ",0") + "]");
            }
            form.field("points", json.toString());
        }
        if (mask != null) {
            form.file("mask", "mask.png", mask);
        }
        if (backgroundImage != null) {
            form.file("background_image", "background", backgroundImage);
        }
        if (outputFormat != null) {
            form.field("output_format", outputFormat.formValue());
        }
        return form;
    }

    /** Builds an {@link EditRequest}. */
    public static final class Builder {
        private byte[] image;
        private String imageName = "image";
        private String imageUrl;
        private String instruction;
        private String webhookUrl;
        private int[] box;
        private final List<Point> points = new ArrayList<>();
        private byte[] mask;
        private byte[] backgroundImage;
        private OutputFormat outputFormat;
        private String idempotencyKey;

        private Builder() {
        }

        /** The image to edit, read from a file (JPEG, PNG, WebP, BMP or GIF; the gateway reads the content). */
        public Builder image(Path file) {
            this.image = read(file, "image");
            this.imageName = file.getFileName().toString();
            return this;
        }

        /** The image to edit, as bytes. */
        public Builder image(byte[] bytes, String fileName) {
            this.image = Objects.requireNonNull(bytes);
            this.imageName = fileName == null ? "image" : fileName;
            return this;
        }

        /** An http(s) URL the gateway fetches the image from, instead of an uploaded file. */
        public Builder imageUrl(String url) {
            this.imageUrl = url;
            return this;
        }

        /** What to do, in words ("remove the dog", "make it black and white"). */
        public Builder instruction(String instruction) {
            this.instruction = instruction;
            return this;
        }

        /** An http(s) URL to POST a signed event to when the job ends (see {@link WebhookVerifier}). */
        public Builder webhookUrl(String url) {
            this.webhookUrl = url;
            return this;
        }

        /** A box around the object, in pixels of the upright image; replaces detection. */
        public Builder box(int x1, int y1, int x2, int y2) {
            checkBox(x1, y1, x2, y2);
            this.box = new int[] {x1, y1, x2, y2};
            return this;
        }

        /** A point on the object ({@code object} true) or off it (false); replaces detection. */
        public Builder point(int x, int y, boolean object) {
            this.points.add(new Point(x, y, object));
            return this;
        }

        /** A mask image of the same size as the image, white where to edit; replaces detection. */
        public Builder mask(Path file) {
            this.mask = read(file, "mask");
            return this;
        }

        /** A mask image as bytes (same size as the image, white where to edit). */
        public Builder mask(byte[] bytes) {
            this.mask = Objects.requireNonNull(bytes);
            return this;
        }

        /** An image to put behind the subject of a background edit (scaled to cover the photo). */
        public Builder backgroundImage(Path file) {
            this.backgroundImage = read(file, "background image");
            return this;
        }

        /**
         * The format of the result; null (the default) sends none, which the gateway takes as
         * {@link OutputFormat#AUTO}. The job's {@link Job#resultType()} says which one it got.
         */
        public Builder outputFormat(OutputFormat format) {
            this.outputFormat = format;
            return this;
        }

        /**
         * A key that makes retries safe: every submission with the same key returns the job of the
         * first (for a day), and never creates a second one.
         */
        public Builder idempotencyKey(String key) {
            this.idempotencyKey = key;
            return this;
        }

        /** The request; refuses one without an image or an instruction. */
        public EditRequest build() {
            return new EditRequest(this);
        }

        /** Refuses a box that is empty or has its corners swapped, saying what a box is. */
        static void checkBox(int x1, int y1, int x2, int y2) {
            if (x2 <= x1 || y2 <= y1) {
                throw new IllegalArgumentException("a box is x1,y1,x2,y2 with x1 < x2 and y1 < y2, not "
                        + x1 + "," + y1 + "," + x2 + "," + y2);
            }
        }

        /** The content of {@code file}; a missing file is an IllegalArgumentException naming it as {@code what}. */
        static byte[] read(Path file, String what) {
            try {
                return Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("the " + what + " file " + file + " does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
