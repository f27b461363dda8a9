package io.brushline.cli;

import io.brushline.client.Job;
import io.brushline.client.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A job in words, for people. */
final class Describe {

    private Describe() {
    }

    /** One line: "SUCCEEDED: greyscale (cpu tier)" or "FAILED at grounding (object_not_found): reason". */
    static String outcome(Job job) {
        if (job.state() == JobState.FAILED && job.failure() != null) {
            return "failed at " + job.failure().stage() + " (" + job.failure().code() + "): " + job.failure().reason();
        }
        String what = job.operation() == null ? "" : ": " + job.operation().name() + " (" + job.operation().tier()
                + " tier)";
        return job.state().words() + what;
    }

    /** The job as aligned "name  value" lines. */
    static String details(Job job) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("job", job.id());
        rows.put("state", job.state().name());
        rows.put("instruction", job.instruction());
        rows.put("image", job.width() + " x " + job.height() + " pixels");
        put(rows, "category", job.category());
        put(rows, "object", job.object());
        if (job.operation() != null) {
            String params = job.operation().params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            rows.put("operation", job.operation().name() + " (" + job.operation().tier() + " tier)"
                    + (params.isEmpty() ? "" : ", " + params)
                    + (job.operation().note() == null ? "" : "; " + job.operation().note()));
        }
        if (job.failure() != null) {
            rows.put("failure", job.failure().code() + " at " + job.failure().stage() + ": " + job.failure().reason());
        }
        Instant created = job.transitions().getOrDefault(JobState.QUEUED, job.createdAt());
        Instant ended = job.transitions().get(job.state());
        if (created != null && ended != null && job.isTerminal()) {
            rows.put("took", Progress.seconds(Duration.between(created, ended)));
        }
        put(rows, "result", job.resultUrl());
        put(rows, "mask", job.maskUrl());
        put(rows, "webhook", job.webhook());
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder();
        rows.forEach((name, value) -> text.append(String.format("%-" + width + "s%s%n", name, value)));
        return text.toString();
    }

    private static void put(Map<String, String> rows, String name, String value) {
        if (value != null) {
            rows.put(name, value);
        }
    }
}
