package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import io.brushline.client.Dataset;
import io.brushline.client.DatasetRequest;
import io.brushline.client.DatasetSubmitted;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brushline dataset create|status|download}: training pairs made from photos, and their files. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Makes a dataset of pairs (a photo with an object, the same photo without it) from photos,"
                + " shows how far it is, and downloads it.",
        subcommands = {DatasetCommand.Create.class, DatasetCommand.Status.class, DatasetCommand.Download.class},
        footer = {"", "Examples:",
                "  brushline dataset create photos/*.jpg --filters '{\"classes\": [\"dog\"]}' --wait",
                "  brushline dataset create https://example.com/1.jpg https://example.com/2.jpg",
                "  brushline dataset create --prefix photos/rooms/ --wait",
                "  brushline dataset create --manifest rooms.json --wait",
                "  brushline dataset status 5d1f0c2a-...",
                "  brushline dataset download 5d1f0c2a-... pairs/"})
final class DatasetCommand implements Runnable {

    @ParentCommand
    Brushline root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "say what to do: dataset create, status or download");
    }

    /** What the dataset commands share: the client and how a dataset is printed. */
    abstract static class Sub {
        @ParentCommand
        DatasetCommand dataset;

        @Spec
        CommandSpec spec;

        BrushlineClient client() {
            return dataset.root.client();
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** {@code brushline dataset create IMAGE... | --manifest FILE | --prefix PREFIX}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Starts a dataset job from photos, given one of three ways: local image files (uploaded) or"
                    + " http(s) URLs the server fetches, not both at once; a JSON manifest (--manifest); or the images"
                    + " already under a prefix of your input area (--prefix). Each object found and kept by the"
                    + " filters is removed, the removal is checked, and the pair is written to the dataset.",
                    "The dataset is submitted with an idempotency key made of the photos (the manifest, or the"
                            + " prefix) and the options, so running the same command again returns the same dataset"
                            + " instead of starting a second one; give a new --idempotency-key to take photos added"
                            + " under a prefix since."})
    static final class Create extends Sub implements Callable<Integer> {

        @Parameters(arity = "0..*", paramLabel = "IMAGE",
                description = "Image files or http(s) URLs (none with --manifest or --prefix).")
        List<String> images = List.of();

        @Option(names = "--manifest", paramLabel = "FILE",
                description = "A JSON manifest of the images, in the form the API takes ({\"items\": [{\"image_url\""
                        + " or \"image_id\", optional \"objects\"}], optional \"filters\", \"webhook_url\"}) or a"
                        + " list of items; - reads it from standard input. Its items are sent as they are, so an"
                        + " item's objects ({\"label\", \"box\": [x1, y1, x2, y2] and/or \"mask_url\"}) replace"
                        + " detection in its photo; --filters and --webhook replace the manifest's own.")
        String manifest;

        @Option(names = "--prefix", paramLabel = "PREFIX",
                description = "Take the .jpg, .jpeg, .png and .webp images already under this prefix of your input"
                        + " area (inputs/<tenant>/ in the bucket), such as photos/rooms/; \"\" is the whole area.")
        String prefix;

        @Option(names = "--filters", paramLabel = "JSON",
                description = "Which objects to take, as a JSON object: classes, min_area, max_area, max_border_sides,"
                        + " max_overlap, single_instance, max_objects_per_image, verify_threshold"
                        + " (the server's defaults for the others).")
        String filters;

        @Option(names = "--webhook", paramLabel = "URL",
                description = "A URL the server calls once the dataset's files are written (dataset.completed).")
        String webhook;

        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "The key of the submission (default: one made of the photos, the manifest or the"
                        + " prefix, and the options).")
        String idempotencyKey;

        @Option(names = "--wait", description = "Wait until the dataset has completed, then show it.")
        boolean await;

        @Option(names = "--json", description = "Print the server's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            return submit(request());
        }

        /** The request the arguments describe; a mistake in them is a usage error told in words. */
        private DatasetRequest request() {
            int ways = (images.isEmpty() ? 0 : 1) + (manifest == null ? 0 : 1) + (prefix == null ? 0 : 1);
            if (ways != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), (ways == 0 ? "give the images"
                        : "give the images one way only") + ": image files or http(s) URLs, --manifest FILE or"
                        + " --prefix PREFIX");
            }
            DatasetRequest.Builder request = DatasetRequest.builder();
            try {
                // what the key is made of besides the options
                byte[] source;
                if (prefix != null) {
                    request.prefix(prefix);
                    source = ("prefix " + prefix).getBytes(StandardCharsets.UTF_8);
                } else if (manifest != null) {
                    ManifestFile file = ManifestFile.read(manifest);
                    request.manifest(file.text(), file.name());
                    source = file.content();
                } else {
                    source = addImages(request);
                }
                if (filters != null) {
                    request.filtersJson(filters);
                }
                if (webhook != null) {
                    request.webhookUrl(webhook);
                }
                request.idempotencyKey(idempotencyKey != null ? idempotencyKey
                        : EditCommand.idempotencyKey(source, "dataset", "filters=" + filters + ";webhook=" + webhook));
                return request.build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        /** Adds the IMAGE arguments; answers every photo (its bytes, or its URL) in order. */
        private byte[] addImages(DatasetRequest.Builder request) {
            ByteArrayOutputStream photos = new ByteArrayOutputStream();
            for (String image : images) {
                if (image.startsWith("http://") || image.startsWith("https://")) {
                    request.imageUrl(image);
                    photos.writeBytes(image.getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] content = read(image);
                    request.image(String.valueOf(Path.of(image).getFileName()), content);
                    photos.writeBytes(content);
                }
                photos.write(0);
            }
            return photos.toByteArray();
        }

        private byte[] read(String image) {
            Path file = Path.of(image);
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(file + " is a folder; give the image files in it (such as "
                        + file.resolve("*.jpg") + ")");
            }
            if (!Files.isRegularFile(file)) {
                // as typed: a path would fold "ftp://host/a.jpg" into "ftp:/host/a.jpg"
                throw new IllegalArgumentException("the image " + image
                        + " does not exist (and is not an http(s) URL)");
            }
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private int submit(DatasetRequest request) {
            BrushlineClient client = client();
            DatasetSubmitted submitted = client.submitDataset(request);
            if (!await) {
                Output.printSubmitted(out(), json, submitted, submitted.id());
                return 0;
            }
            Dataset done = Progress.follow(spec.commandLine().getErr(),
                    shown -> client.watchDataset(submitted.id(), shown),
                    d -> "dataset " + d.id() + "  " + d.imagesSurveyed() + "/" + d.images() + " images surveyed  "
                            + d.pairsKept() + " pairs kept  " + d.remaining() + " to go");
            Output.print(out(), json, done, DatasetCommand::describe);
            return 0;
        }
    }

    /** {@code brushline dataset status ID}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows a dataset: how far it is, what was kept and dropped and why, and where its files are.")
    static final class Status extends Sub implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The dataset id (printed by brushline dataset create).")
        String id;

        @Option(names = "--json", description = "Print the dataset as the server's JSON.")
        boolean json;

        @Override
        public Integer call() {
            Output.print(out(), json, client().dataset(id), DatasetCommand::describe);
            return 0;
        }
    }

    /** {@code brushline dataset download ID FOLDER}. */
    @Command(name = "download", mixinStandardHelpOptions = true,
            description = {"Downloads a completed dataset into a folder: metadata.jsonl, README.md (the data card) and"
                    + " every image its rows name, in the layout the Hugging Face datasets library reads with"
                    + " load_dataset(\"imagefolder\", data_dir=FOLDER).",
                    "Files already in the folder are replaced."})
    static final class Download extends Sub implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The dataset id.")
        String id;

        @Parameters(index = "1", paramLabel = "FOLDER", description = "Where to write the files (made if missing).")
        Path folder;

        @Override
        public Integer call() {
            List<String> files = client().downloadDataset(id, folder);
            out().println("dataset " + id + ": " + files.size() + " files written to " + folder);
            out().flush();
            return 0;
        }
    }

    /** The dataset in words: progress, what was kept and dropped, failed images, and its files. */
    static String describe(Dataset dataset) {
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        text.append("dataset ").append(dataset.id()).append(": ").append(dataset.state()).append(", ")
                .append(dataset.images()).append(dataset.images() == 1 ? " image" : " images")
                .append(" (").append(dataset.imagesSurveyed()).append(" surveyed)").append(nl);
        text.append("objects found: ").append(dataset.objectsFound()).append(", sent for removal: ")
                .append(dataset.pairsQueued()).append(", pairs kept: ").append(dataset.pairsKept());
        if (dataset.pairsUnverified() > 0) {
            text.append(" (").append(dataset.pairsUnverified())
                    .append(" unverified: the detector does not know their class)");
        }
        text.append(nl);
        if (!dataset.dropped().isEmpty()) {
            text.append("dropped: ").append(dataset.dropped().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))).append(nl);
        }
        for (Dataset.FailedImage failed : dataset.failedImages()) {
            text.append("image ").append(failed.index()).append(" failed: ").append(failed.error()).append(": ")
                    .append(failed.message()).append(nl);
        }
        if (!dataset.isCompleted()) {
            text.append("to go: ").append(dataset.remaining()).append(" images and removals");
            if (dataset.pairsPerMinute() != null) {
                text.append(", ").append(dataset.pairsPerMinute()).append(" pairs a minute");
            }
            if (dataset.etaSeconds() != null) {
                text.append(", about ").append(dataset.etaSeconds()).append(" s left");
            }
            text.append(nl);
        } else if (dataset.output() != null) {
            text.append("metadata: ").append(dataset.output().metadataUrl()).append(nl);
            text.append("data card: ").append(dataset.output().cardUrl()).append(nl);
        }
        return text.toString();
    }
}
