package io.brushline.cli;

import io.brushline.client.Batch;
import io.brushline.client.BatchRequest;
import io.brushline.client.BatchSubmitted;
import io.brushline.client.BrushlineClient;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brushline batch submit|status|cancel}: many edits submitted and followed as one. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Submits a batch of edits from a manifest, shows a batch item by item, or cancels it.",
        subcommands = {BatchCommand.Submit.class, BatchCommand.Status.class, BatchCommand.Cancel.class},
        footer = {"", "Examples:",
                "  brushline batch submit catalogue.jsonl --instruction \"make the background white\" --wait",
                "  brushline batch status 9a0c5e1d-...",
                "  brushline batch cancel 9a0c5e1d-..."})
final class BatchCommand implements Runnable {

    @ParentCommand
    Brushline root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: batch submit, status or cancel");
    }

    /** What the batch commands share: the client, the output and how a batch is printed. */
    abstract static class Sub {
        @ParentCommand
        BatchCommand batch;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the batch as the server's JSON, every item included.")
        boolean json;

        BrushlineClient client() {
            return batch.root.client();
        }

        /** Prints the batch with every item it carries; answers the exit status. */
        int print(Batch done) {
            Output.print(spec.commandLine().getOut(), json, done, BatchCommand::describe);
            return exitStatus(done);
        }
    }

    /** {@code brushline batch submit MANIFEST}. */
    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submits the items of a manifest as one batch: a JSON lines file, one item a line, in"
                    + " the form of the API's items ({\"image_url\" or \"image_id\", \"instruction\", optional"
                    + " \"box\", \"points\", \"metadata\"}).",
                    "The batch is submitted with an idempotency key made of the manifest and the options, so"
                            + " running the same command again returns the same batch (and finishes its submission"
                            + " if it was cut short) instead of editing every photo again."})
    static final class Submit extends Sub implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "MANIFEST",
                description = "The JSON lines file of the items (- reads them from standard input).")
        String manifest;

        @Option(names = "--instruction", paramLabel = "TEXT",
                description = "The instruction of every item that has none of its own.")
        String instruction;

        @Option(names = "--webhook", paramLabel = "URL",
                description = "A URL the server calls once every item has ended (batch.completed).")
        String webhook;

        @Option(names = "--item-webhooks", description = "Also send each item's own job webhook to --webhook.")
        boolean itemWebhooks;

        @Option(names = "--idempotency-key", paramLabel = "KEY",
                description = "The key of the submission (default: one made of the manifest and the options).")
        String idempotencyKey;

        @Option(names = "--wait", description = "Wait until every item has ended, then print each item's result.")
        boolean await;

        @Override
        public Integer call() {
            BatchRequest request;
            try {
                ManifestFile file = ManifestFile.read(manifest);
                request = BatchRequest.builder().manifest(file.text(), file.name())
                        .instruction(instruction).webhookUrl(webhook).itemWebhooks(itemWebhooks)
                        .idempotencyKey(idempotencyKey != null ? idempotencyKey : EditCommand.idempotencyKey(
                                file.content(), String.valueOf(instruction),
                                "webhook=" + webhook + ";items=" + itemWebhooks))
                        .build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            BrushlineClient client = client();
            BatchSubmitted submitted = client.submitBatch(request);
            if (!await) {
                Output.printSubmitted(spec.commandLine().getOut(), json, submitted, submitted.id());
                return 0;
            }
            return print(Progress.follow(spec.commandLine().getErr(), shown -> client.watchBatch(submitted.id(), shown),
                    b -> "batch " + b.id() + "  " + (b.total() - b.remaining()) + "/" + b.total() + " ended  "
                            + counts(b)));
        }
    }

    /** {@code brushline batch status ID}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows a batch: its state, counts by job state, and every item's result or failure.")
    static class Status extends Sub implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The batch id (printed by brushline batch submit).")
        String id;

        @Override
        public Integer call() {
            return print(client().batchWithItems(id));
        }
    }

    /** {@code brushline batch cancel ID}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels every item of a batch that has not ended; items that ended stay as they are.")
    static final class Cancel extends Status {

        @Override
        public Integer call() {
            client().cancelBatch(id);
            // the batch canceled as asked is success; its items are shown as they are now
            super.call();
            return 0;
        }
    }

    /** 1 for a batch whose items have all ended and not all with a result, else 0. */
    static int exitStatus(Batch batch) {
        boolean allSucceeded = batch.counts().entrySet().stream()
                .allMatch(e -> e.getKey().equals("SUCCEEDED") || e.getValue() == 0);
        return batch.isFinished() && !allSucceeded ? Brushline.JOB_FAILED : 0;
    }

    /** "2 SUCCEEDED, 1 FAILED". */
    static String counts(Batch batch) {
        return batch.counts().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** The batch in words: a header, then one line per item (index, state, job, result or failure, metadata). */
    static String describe(Batch batch) {
        StringBuilder text = new StringBuilder();
        String nl = System.lineSeparator();
        text.append("batch ").append(batch.id()).append(": ").append(batch.state()).append(", ")
                .append(batch.total()).append(batch.total() == 1 ? " item" : " items")
                .append(batch.remaining() > 0 ? " (" + batch.remaining() + " not ended)" : "").append(nl);
        text.append("counts: ").append(counts(batch)).append(nl);
        if (batch.manifestUrl() != null) {
            text.append("manifest: ").append(batch.manifestUrl()).append(nl);
        }
        for (Batch.Item item : batch.items()) {
            String detail = item.failure() != null ? item.failure().code() + ": " + item.failure().reason()
                    : item.resultUrl() != null ? item.resultUrl() : "";
            text.append(String.format("%5d  %-13s %s", item.index(), item.state(), item.jobId()));
            if (!detail.isEmpty()) {
                text.append("  ").append(detail);
            }
            if (item.metadata() != null) {
                text.append("  ").append(item.metadata());
            }
            text.append(nl);
        }
        return text.toString();
    }
}
