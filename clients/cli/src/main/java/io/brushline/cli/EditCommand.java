package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import io.brushline.client.EditRequest;
import io.brushline.client.EditRequest.OutputFormat;
import io.brushline.client.Job;
import io.brushline.client.Submitted;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brushline edit PHOTO|FOLDER INSTRUCTION}. */
@Command(name = "edit", mixinStandardHelpOptions = true,
        description = {"Edits a photo, or every photo of a folder, as the instruction says, and saves the results.",
                "Each photo is submitted with an idempotency key made of its content, the instruction, the"
                        + " hints and the format, so running the same command again never edits a photo twice:"
                        + " photos whose result exists are skipped, and jobs of an interrupted run are picked up"
                        + " where they are."},
        footer = {"", "Examples:",
                "  brushline edit photo.jpg \"remove the dog\" --box 120,80,380,300 -o out.png",
                "  brushline edit photos/ \"blur the background\" -o results/ --concurrency 8",
                "  brushline edit photos/ \"make it black and white\" -o results/ --format png"})
final class EditCommand implements Callable<Integer> {

    /** File name endings of the photos a folder run picks up. */
    static final List<String> PHOTO_ENDINGS = List.of(".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif");

    @ParentCommand
    Brushline root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PHOTO|FOLDER", description = "A photo, or a folder of photos.")
    Path input;

    @Parameters(index = "1", paramLabel = "INSTRUCTION", description = "What to do, such as \"remove the dog\".")
    String instruction;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH",
            description = "Where to save. One photo: a file whose ending chooses the format, .png for PNG, .jpg"
                    + " or .jpeg for JPEG (default: NAME-edited.jpg or NAME-edited.png here, as the result is)."
                    + " A folder: a folder (required), where each result is NAME.jpg or NAME.png.")
    Path output;

    @Option(names = "--format", paramLabel = "png|jpeg|auto", converter = FormatConverter.class,
            description = "Save the results as PNG, as JPEG, or auto: JPEG for a JPEG photo and PNG for any"
                    + " other. Default: for one photo saved with -o, the file name's ending; else auto.")
    OutputFormat format;

    @Option(names = "--mask-out", paramLabel = "FILE", description = "Also save the mask the painter used (one photo).")
    Path maskOut;

    @Option(names = "--box", paramLabel = "X1,Y1,X2,Y2",
            description = "A box around the object in pixels; replaces detection (one photo).")
    String box;

    @Option(names = "--points", paramLabel = "X,Y[,L]", split = ";", description = "Points on the object (label 1, the default) or off it (label 0), separated by ';' or"
                    + " given as several options: --points 120,80 --points 300,40,0. Replaces detection (one photo).")
    List<String> points = new ArrayList<>();

    @Option(names = "--mask", paramLabel = "FILE",
            description = "A mask of the photo's size, white where to edit; replaces detection (one photo).")
    Path mask;

    @Option(names = "--webhook", paramLabel = "URL", description = "A URL the server calls when each job ends.")
    String webhook;

    @Option(names = "--no-wait", description = "Submit and print the job id, without waiting for the result.")
    boolean noWait;

    @Option(names = "--json", description = "Print the result as JSON (the job, or for a folder the summary).")
    boolean json;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Photos of a folder in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws IOException {
        if (Files.isDirectory(input)) {
            return editFolder();
        }
        if (!Files.isRegularFile(input)) {
            throw usage(input + " is neither a photo nor a folder");
        }
        return editOne();
    }

    private int editOne() throws IOException {
        BrushlineClient client = root.client();
        EditRequest request = request(input, output != null ? formatOfOutputFile() : format, true);
        PrintWriter out = spec.commandLine().getOut();
        Submitted submitted = client.submit(request);
        if (noWait) {
            Output.printSubmitted(out, json, submitted, submitted.id());
            return 0;
        }
        Progress progress = new Progress(spec.commandLine().getErr(), Progress.terminal());
        Job done = WatchCommand.follow(client, submitted.id(), input.getFileName().toString(), progress);
        // without -o the name follows the format the server chose, known once the job has ended
        Path target = output != null ? output : Path.of(stem(input) + "-edited" + done.resultExtension());
        if (done.succeeded()) {
            client.downloadResult(done.id(), target);
        }
        if (maskOut != null && done.maskUrl() != null) {
            client.downloadMask(done.id(), maskOut);
        }
        if (json) {
            out.println(BrushlineClient.toJson(done));
        } else if (done.succeeded()) {
            out.println("saved " + target + " (" + Describe.outcome(done) + ")"
                    + (maskOut != null && done.maskUrl() != null ? ", mask in " + maskOut : ""));
        } else {
            out.println(input.getFileName() + ": " + Describe.outcome(done) + " (job " + done.id() + ")");
        }
        out.flush();
        return StatusCommand.exitStatus(done);
    }

    private int editFolder() throws IOException {
        if (output == null) {
            throw usage("a folder of photos needs an output folder: -o RESULTS_FOLDER");
        }
        if (Files.isRegularFile(output)) {
            throw usage(output + " is a file; for a folder of photos, -o names a folder");
        }
        if (box != null || !points.isEmpty() || mask != null || maskOut != null) {
            throw usage("--box, --points, --mask and --mask-out are for one photo, not a folder");
        }
        if (concurrency < 1) {
            throw usage("--concurrency must be 1 or more");
        }
        List<Path> photos;
        try (var files = Files.list(input)) {
            photos = files.filter(Files::isRegularFile).filter(EditCommand::isPhoto).sorted().toList();
        }
        if (photos.isEmpty()) {
            throw usage("there are no photos (" + String.join(" ", PHOTO_ENDINGS) + ") in " + input);
        }
        FolderRun run = new FolderRun(root.client(), this, photos, output, concurrency,
                new Progress(spec.commandLine().getErr(), Progress.terminal()));
        FolderRun.Summary summary = run.run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? summary.json() + System.lineSeparator() : summary.table(output));
        out.flush();
        return summary.failed() > 0 ? Brushline.JOB_FAILED : 0;
    }

    /**
     * The format a result saved as -o FILE is asked for: --format when given, else the file name's
     * ending; the two must agree, so the file's ending never misnames its content.
     */
    private OutputFormat formatOfOutputFile() {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        OutputFormat named = name.endsWith(".png") ? OutputFormat.PNG
                : name.endsWith(".jpg") || name.endsWith(".jpeg") ? OutputFormat.JPEG : null;
        if (format == null && named == null) {
            throw usage("results are saved as PNG or JPEG: name the output .png, .jpg or .jpeg, or pass --format");
        }
        if (format != null && named != null && format != named) {
            throw usage("-o " + output + " names a " + named + " file, but --format " + format.formValue()
                    + (format == OutputFormat.AUTO ? " lets the server choose PNG or JPEG" : " asks for " + format)
                    + ": leave out --format, and the name's ending chooses");
        }
        return format != null ? format : named;
    }

    /**
     * The request for {@code photo} with its result in {@code format} (null: the server's choice);
     * {@code hints} adds the box, points and mask.
     */
    EditRequest request(Path photo, OutputFormat format, boolean hints) {
        EditRequest.Builder request;
        byte[] content;
        try {
            content = Files.readAllBytes(photo);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + photo + ": " + e.getMessage(), e);
        }
        request = EditRequest.builder().image(content, photo.getFileName().toString()).instruction(instruction)
                .webhookUrl(webhook).outputFormat(format);
        StringBuilder options = new StringBuilder();
        if (hints) {
            if (box != null) {
                int[] b = numbers(box, 4, 4, "--box takes X1,Y1,X2,Y2 in pixels, such as 120,80,380,300");
                try {
                    request.box(b[0], b[1], b[2], b[3]);
                } catch (IllegalArgumentException e) {
                    throw usage("--box: " + e.getMessage());
                }
                options.append("box=").append(box);
            }
            for (String point : points) {
                int[] p = numbers(point, 2, 3, "--points takes X,Y or X,Y,LABEL (label 1 on the object, 0 off it),"
                        + " such as 120,80 or 300,40,0");
                if (p.length == 3 && p[2] != 0 && p[2] != 1) {
                    throw usage("a point's label is 1 (on the object) or 0 (off it), not " + p[2]);
                }
                request.point(p[0], p[1], p.length == 2 || p[2] == 1);
                options.append(";point=").append(point);
            }
            if (mask != null) {
                if (!Files.isRegularFile(mask)) {
                    throw usage("the mask " + mask + " does not exist");
                }
                try {
                    byte[] maskBytes = Files.readAllBytes(mask);
                    request.mask(maskBytes);
                    options.append(";mask=").append(HexFormat.of().formatHex(sha256(maskBytes)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the mask " + mask + ": " + e.getMessage(), e);
                }
            }
        }
        // a result in another format is another job; auto is what the server does without one
        if (format != null && format != OutputFormat.AUTO) {
            options.append(";format=").append(format.formValue());
        }
        return request.idempotencyKey(idempotencyKey(content, instruction, options.toString())).build();
    }

    /**
     * The same photo, instruction and options (hints, format) always give the same key: a second run,
     * or a retry after a lost answer, gets the job of the first instead of a second one.
     */
    static String idempotencyKey(byte[] content, String instruction, String options) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(content);
            digest.update((byte) 0);
            digest.update(instruction.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(options.getBytes(StandardCharsets.UTF_8));
            return "cli-" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }

    private int[] numbers(String text, int min, int max, String help) {
        String[] parts = text.strip().split("\\s*,\\s*");
        if (parts.length < min || parts.length > max) {
            throw usage(help);
        }
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw usage(help);
            }
        }
        return values;
    }

    static boolean isPhoto(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && PHOTO_ENDINGS.stream().anyMatch(name::endsWith);
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** --format as people type it: any case, and jpg for jpeg as the server takes it. */
    static final class FormatConverter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "png" -> OutputFormat.PNG;
                case "jpeg", "jpg" -> OutputFormat.JPEG;
                case "auto" -> OutputFormat.AUTO;
                default -> throw new CommandLine.TypeConversionException(
                        "choose png, jpeg or auto (JPEG for a JPEG photo, else PNG), not '" + value + "'");
            };
        }
    }
}
