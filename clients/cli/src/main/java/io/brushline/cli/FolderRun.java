package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import io.brushline.client.BrushlineException;
import io.brushline.client.EditRequest.OutputFormat;
import io.brushline.client.Job;
import io.brushline.client.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Edits every photo of a folder, a bounded number at a time, with one overall progress line. A photo
 * whose result exists is skipped; the others are submitted with their idempotency key, so the jobs of
 * an interrupted run are found again instead of being started twice.
 */
final class FolderRun {

    /**
     * How one photo ended. {@code result} is the file saved for a success or found for a skip, else
     * null; {@code code} is null for those two.
     */
    record Outcome(Path photo, Path result, String jobId, Kind kind, String code, String message) {
    }

    enum Kind {
        SKIPPED, SUCCEEDED, FAILED, NOT_STARTED
    }

    private final BrushlineClient client;
    private final EditCommand edit;
    private final List<Path> photos;
    private final Path outputFolder;
    private final int concurrency;
    private final Progress progress;
    private final Map<Path, JobState> inFlight = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    FolderRun(BrushlineClient client, EditCommand edit, List<Path> photos, Path outputFolder, int concurrency,
            Progress progress) {
        this.client = client;
        this.edit = edit;
        this.photos = photos;
        this.outputFolder = outputFolder;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    Summary run() throws IOException {
        Files.createDirectories(outputFolder);
        removeUnfinishedDownloads();
        Map<Path, String> names = resultNames();
        List<Path> todo = new ArrayList<>();
        for (Path photo : photos) {
            Path saved = savedResult(names.get(photo));
            if (saved != null) {
                outcomes.add(new Outcome(photo, saved, null, Kind.SKIPPED, null, null));
            } else {
                todo.add(photo);
            }
        }
        showProgress();
        // Ctrl-C: say how to go on (results on disk are whole, the jobs in flight go on on the server)
        AtomicBoolean finished = new AtomicBoolean();
        Thread onInterrupt = new Thread(() -> {
            if (!finished.get()) {
                progress.finish();
                progress.show("interrupted: run the same command again to go on; finished photos are skipped and"
                        + " the jobs in flight are picked up");
                progress.finish();
            }
        }, "brushline-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, todo.size())), r -> {
            Thread t = new Thread(r, "brushline-edit");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Path photo : todo) {
                running.add(pool.submit(() -> {
                    Outcome outcome = edit(photo, names.get(photo));
                    outcomes.add(outcome);
                    inFlight.remove(photo);
                    showProgress();
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrushlineException(0, "interrupted", "interrupted; run the same command again to go on");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            finished.set(true);
            pool.shutdownNow();
            progress.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        List<Outcome> ordered = new ArrayList<>(outcomes);
        ordered.sort(Comparator.comparing(Outcome::photo));
        return new Summary(ordered);
    }

    /** Edits {@code photo} and saves its result as {@code name} with the ending of the result's format. */
    private Outcome edit(Path photo, String name) {
        if (stop.get()) {
            return new Outcome(photo, null, null, Kind.NOT_STARTED, "not_started",
                    "not started: the server could not be used");
        }
        String jobId = null;
        try {
            inFlight.put(photo, JobState.QUEUED);
            showProgress();
            jobId = client.submit(edit.request(photo, edit.format, false)).id();
            Job done = client.watch(jobId, job -> {
                inFlight.put(photo, job.state());
                showProgress();
            });
            if (done.succeeded()) {
                Path result = outputFolder.resolve(name + done.resultExtension());
                client.downloadResult(jobId, result);
                return new Outcome(photo, result, jobId, Kind.SUCCEEDED, null, null);
            }
            if (done.state() == JobState.FAILED && done.failure() != null) {
                return new Outcome(photo, null, jobId, Kind.FAILED, done.failure().code(), done.failure().reason());
            }
            return new Outcome(photo, null, jobId, Kind.FAILED, done.state().words(), "the job was " + done.state().words());
        } catch (BrushlineException e) {
            if (e instanceof BrushlineException.ServerUnreachable || e instanceof BrushlineException.Unauthorized) {
                // every other photo would fail the same way: do not start them
                stop.set(true);
            }
            return new Outcome(photo, null, jobId, Kind.FAILED, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(photo, null, jobId, Kind.FAILED, "error", Brushline.describe(e));
        }
    }

    /** "[4/10] 2 succeeded, 1 failed, 1 already done; in flight: 2 grounding, 1 painting". */
    private void showProgress() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        synchronized (outcomes) {
            for (Outcome o : outcomes) {
                counts.merge(o.kind(), 1, Integer::sum);
            }
        }
        int done = counts.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder line = new StringBuilder("[" + done + "/" + photos.size() + "] ");
        line.append(counts.getOrDefault(Kind.SUCCEEDED, 0)).append(" succeeded, ")
                .append(counts.getOrDefault(Kind.FAILED, 0) + counts.getOrDefault(Kind.NOT_STARTED, 0))
                .append(" failed, ").append(counts.getOrDefault(Kind.SKIPPED, 0)).append(" already done");
        // a job that has ended counts once its result is saved, not as a stage in flight
        Map<JobState, Long> stages = new TreeMap<>(inFlight.values().stream().filter(s -> !s.isTerminal())
                .collect(Collectors.groupingBy(s -> s, Collectors.counting())));
        if (!stages.isEmpty()) {
            line.append("; in flight: ").append(stages.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().words()).collect(Collectors.joining(", ")));
        }
        progress.show(line.toString());
    }

    /**
     * The name of each photo's result, without the ending its format adds (results/NAME.png or
     * results/NAME.jpg): NAME, or NAME_EXT where two photos share a name.
     */
    private Map<Path, String> resultNames() {
        Map<String, Long> stems = photos.stream().collect(Collectors.groupingBy(EditCommand::stem, Collectors.counting()));
        Map<Path, String> names = new HashMap<>();
        for (Path photo : photos) {
            String stem = EditCommand.stem(photo);
            names.put(photo, stems.get(stem) > 1 ? photo.getFileName().toString().replace('.', '_') : stem);
        }
        return names;
    }

    /**
     * The result an earlier run saved as {@code name}, or null. Either ending counts, unless --format
     * asks for PNG or JPEG: then a result in the other format is not the one asked for.
     */
    private Path savedResult(String name) {
        List<String> endings = edit.format == OutputFormat.PNG ? List.of(".png")
                : edit.format == OutputFormat.JPEG ? List.of(".jpg") : List.of(".png", ".jpg");
        return endings.stream().map(ending -> outputFolder.resolve(name + ending)).filter(Files::exists)
                .findFirst().orElse(null);
    }

    /** A download that a killed run left half-written has a temporary name: remove it. */
    private void removeUnfinishedDownloads() throws IOException {
        try (var files = Files.list(outputFolder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(".")
                    && f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The outcome of a folder run. */
    record Summary(List<Outcome> outcomes) {

        long count(Kind kind) {
            return outcomes.stream().filter(o -> o.kind() == kind).count();
        }

        long failed() {
            return count(Kind.FAILED) + count(Kind.NOT_STARTED);
        }

        /** Failures by code, most frequent first. */
        Map<String, Long> failuresByCode() {
            Map<String, Long> byCode = outcomes.stream().filter(o -> o.code() != null)
                    .collect(Collectors.groupingBy(Outcome::code, TreeMap::new, Collectors.counting()));
            Map<String, Long> sorted = new LinkedHashMap<>();
            byCode.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        }

        /** A table for people: counts, failures by code, then each failed photo with its reason. */
        String table(Path outputFolder) {
            StringBuilder text = new StringBuilder();
            String row = "%-28s %5d%n";
            text.append(String.format(row, "photos", outcomes.size()));
            text.append(String.format(row, "succeeded", count(Kind.SUCCEEDED)));
            text.append(String.format(row, "already done (skipped)", count(Kind.SKIPPED)));
            text.append(String.format(row, "failed", failed()));
            failuresByCode().forEach((code, n) -> text.append(String.format(row, "  " + code, n)));
            for (Outcome o : outcomes) {
                if (o.code() != null) {
                    text.append(o.photo().getFileName()).append(": ").append(o.message())
                            .append(o.jobId() == null ? "" : " (job " + o.jobId() + ")").append(System.lineSeparator());
                }
            }
            text.append("results in ").append(outputFolder).append(System.lineSeparator());
            return text.toString();
        }

        /** The same as JSON. */
        String json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("photos", outcomes.size());
            json.put("succeeded", count(Kind.SUCCEEDED));
            json.put("skipped", count(Kind.SKIPPED));
            json.put("failed", failed());
            json.put("failed_by_code", failuresByCode());
            List<Map<String, Object>> files = new ArrayList<>();
            for (Outcome o : outcomes) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("photo", o.photo().toString());
                file.put("outcome", o.kind().name().toLowerCase(java.util.Locale.ROOT));
                if (o.kind() == Kind.SUCCEEDED || o.kind() == Kind.SKIPPED) {
                    file.put("result", o.result().toString());
                }
                if (o.jobId() != null) {
                    file.put("job", o.jobId());
                }
                if (o.code() != null) {
                    file.put("code", o.code());
                    file.put("message", o.message());
                }
                files.add(file);
            }
            json.put("files", files);
            return BrushlineClient.toJson(json);
        }
    }
}
