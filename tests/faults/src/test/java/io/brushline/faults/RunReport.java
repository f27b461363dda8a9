package io.brushline.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The outcome of a {@link FaultRun}: per-job states, latencies, completion records and webhook
 * attempts; the figures a scenario prints; and the assertions every scenario makes.
 */
final class RunReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STATES = List.of("QUEUED", "CLASSIFYING", "GROUNDING", "MASKING", "PAINTING",
            "SUCCEEDED");

    final String scenario;
    final String faultAccount;
    final long faultStart;
    final long faultEnd;
    /** Median latency of a quiet run just before this one, when there was one. */
    private final OptionalLong quietLatency;
    final Map<String, EditClient.Submitted> submissions;
    final Map<String, JsonNode> statuses;
    final Map<String, List<WebhookSink.Attempt>> webhookAttempts;
    final CompletionAudit.Outcomes outcomes;

    RunReport(String scenario, String faultAccount, long faultStart, long faultEnd, OptionalLong quietLatency,
            Map<String, EditClient.Submitted> submissions, Map<String, JsonNode> statuses,
            Map<String, List<WebhookSink.Attempt>> webhookAttempts, CompletionAudit.Outcomes outcomes) {
        this.scenario = scenario;
        this.faultAccount = faultAccount;
        this.faultStart = faultStart;
        this.faultEnd = faultEnd;
        this.quietLatency = quietLatency;
        this.submissions = submissions;
        this.statuses = statuses;
        this.webhookAttempts = webhookAttempts;
        this.outcomes = outcomes;
    }

    /** When the job ended (its terminal transition), epoch millis. */
    long endedAt(String jobId) {
        JsonNode transitions = statuses.get(jobId).path("transitions");
        String state = statuses.get(jobId).path("state").asText();
        return Instant.parse(transitions.path(state).asText()).toEpochMilli();
    }

    /** End to end as the user sees it: from the first submission attempt to the job's end. */
    long latency(String jobId) {
        return endedAt(jobId) - submissions.get(jobId).firstAttemptMillis();
    }

    /**
     * The run's normal pace: the median latency of the jobs that ended before the fault began (when
     * at least 20 did), else of the quiet run before this one, else of all jobs. Jobs of this run
     * come first because a quiet run on a fresh stack still pays for warming up.
     */
    long baselineLatency() {
        List<Long> before = submissions.keySet().stream().filter(id -> endedAt(id) < faultStart)
                .map(this::latency).sorted().toList();
        if (before.size() >= 20) {
            return before.get(before.size() / 2);
        }
        if (quietLatency.isPresent()) {
            return quietLatency.getAsLong();
        }
        List<Long> all = submissions.keySet().stream().map(this::latency).sorted().toList();
        return all.get(all.size() / 2);
    }

    /** Jobs the fault slowed down: more than three times the normal latency, and at least a second more. */
    List<String> delayedJobs() {
        long baseline = baselineLatency();
        long threshold = Math.max(3 * baseline, baseline + 1000);
        return submissions.keySet().stream().filter(id -> latency(id) > threshold).toList();
    }

    /** From the fault's start until the last job it delayed had ended. */
    long recoveryMillis() {
        return delayedJobs().stream().mapToLong(this::endedAt).max().orElse(faultStart) - faultStart;
    }

    /** Median latency of the later half of the jobs: the first ones also pay for consumers joining and warming up. */
    long settledLatency() {
        List<Long> later = submissions.values().stream()
                .sorted(java.util.Comparator.comparingLong(EditClient.Submitted::firstAttemptMillis))
                .skip(submissions.size() / 2).map(s -> latency(s.jobId())).sorted().toList();
        return later.get(later.size() / 2);
    }

    long percentile(double p) {
        List<Long> sorted = submissions.keySet().stream().map(this::latency).sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }

    /** Completion records beyond the first, summed over jobs (allowed by at-least-once delivery). */
    int extraCompletionRecords() {
        return submissions.keySet().stream().mapToInt(id -> Math.max(0, outcomes.completed(id) - 1)).sum();
    }

    long jobsWithExtraCompletionRecords() {
        return submissions.keySet().stream().filter(id -> outcomes.completed(id) > 1).count();
    }

    int webhookAttemptCount() {
        return webhookAttempts.values().stream().mapToInt(List::size).sum();
    }

    /** 2xx answers, in time, to a webhook-id the receiver had already accepted: redeliveries it ignored. */
    long webhookRedeliveries() {
        return webhookAttempts.values().stream().flatMap(Collection::stream)
                .filter(a -> a.answered() / 100 == 2 && !a.late() && !a.accepted()).count();
    }

    long submissionRetries() {
        return submissions.values().stream().mapToInt(s -> s.attempts() - 1).sum();
    }

    String figures() {
        return String.format("%s | fault: %s | jobs %d, succeeded %d | time to recover %.1f s, jobs delayed %d "
                        + "(normal latency %d ms) | latency p50 %d ms, p99 %d ms, max %d ms | submission retries %d | "
                        + "duplicate edit-completed records %d (on %d jobs) | webhook attempts %d, redeliveries "
                        + "ignored by id %d",
                scenario, faultAccount, submissions.size(), count("SUCCEEDED"), recoveryMillis() / 1000.0,
                delayedJobs().size(), baselineLatency(), percentile(0.5), percentile(0.99), percentile(1.0),
                submissionRetries(), extraCompletionRecords(), jobsWithExtraCompletionRecords(), webhookAttemptCount(),
                webhookRedeliveries());
    }

    /** Prints the figures and appends them to {@code -Dfaults.figures} for tools/faults.sh. */
    RunReport print() {
        printFigures(figures());
        submissions.keySet().stream().filter(id -> outcomes.completed(id) > 1).limit(20).forEach(id ->
                System.out.println("  " + id + ": " + outcomes.completed(id) + " edit-completed records, results "
                        + outcomes.results(id)));
        return this;
    }

    /** Prints a run's figures and appends them to {@code -Dfaults.figures}. */
    static void printFigures(String line) {
        System.out.println("FAULT " + line);
        String file = System.getProperty("faults.figures");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), line + System.lineSeparator(), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private long count(String state) {
        return statuses.values().stream().filter(s -> state.equals(s.path("state").asText())).count();
    }

    /**
     * Every job ended FAILED with {@code code}, its reason said, and left a failure record on
     * {@code edit-failed} and no completion record.
     */
    RunReport assertEveryJobFailed(String code) {
        List<String> problems = new ArrayList<>();
        for (String id : submissions.keySet()) {
            JsonNode status = statuses.get(id);
            if (!"FAILED".equals(status.path("state").asText())
                    || !code.equals(status.path("failure").path("code").asText())
                    || status.path("failure").path("reason").asText().isBlank()) {
                problems.add(id + " ended " + status.path("state").asText() + ": " + status.path("failure"));
            } else if (outcomes.failed(id) == 0 || outcomes.completed(id) > 0) {
                problems.add(id + " has " + outcomes.failed(id) + " failure and " + outcomes.completed(id)
                        + " completion records");
            }
        }
        assertTrue(problems.isEmpty(), scenario + ": " + problems.size() + " jobs wrong, first ones: "
                + problems.subList(0, Math.min(5, problems.size())));
        return this;
    }

    /**
     * Every job went through every state to SUCCEEDED, and produced exactly one result: its
     * completion records (one or more) all name the same result object, and there is no failure
     * record that would contradict it.
     */
    RunReport assertEveryJobSucceededWithOneResult() {
        List<String> problems = new ArrayList<>();
        for (String id : submissions.keySet()) {
            JsonNode status = statuses.get(id);
            if (!"SUCCEEDED".equals(status.path("state").asText())) {
                problems.add(id + " ended " + status.path("state").asText() + ": " + status.path("failure"));
                continue;
            }
            for (String state : STATES) {
                if (!status.path("transitions").has(state)) {
                    problems.add(id + " has no " + state + " transition: " + status.path("transitions"));
                }
            }
            if (!status.has("result_url")) {
                problems.add(id + " has no result");
            }
            if (outcomes.completed(id) == 0 || outcomes.results(id).size() != 1) {
                problems.add(id + " has " + outcomes.completed(id) + " completion records naming results "
                        + outcomes.results(id));
            }
            if (outcomes.failed(id) > 0) {
                problems.add(id + " succeeded but also has " + outcomes.failed(id) + " failure records");
            }
        }
        assertTrue(problems.isEmpty(), scenario + ": " + problems.size() + " jobs wrong, first ones: "
                + problems.subList(0, Math.min(5, problems.size())));
        return this;
    }

    /**
     * Every job's webhook reached the receiver, signed, every attempt with the same webhook-id and
     * the same event; the receiver accepted exactly one per job; the job shows it delivered. A
     * redelivery after a 2xx is possible only where the fault hit the notifier's own bookkeeping (the
     * notifier killed mid-attempt, Redis down when the answer came): {@code allowedRedeliveries}.
     */
    RunReport assertEveryWebhookAcceptedOnce(long allowedRedeliveries) {
        return assertEveryWebhookAcceptedOnce("SUCCEEDED", allowedRedeliveries);
    }

    /**
     * As {@link #assertEveryWebhookAcceptedOnce(long)} for jobs that end in {@code state}; besides, a
     * receiver that fetched the job when the webhook arrived saw that state already.
     */
    RunReport assertEveryWebhookAcceptedOnce(String state, long allowedRedeliveries) {
        List<String> problems = new ArrayList<>();
        for (String id : submissions.keySet()) {
            List<WebhookSink.Attempt> attempts = webhookAttempts.getOrDefault(id, List.of());
            long accepted = attempts.stream().filter(WebhookSink.Attempt::accepted).count();
            if (accepted != 1) {
                problems.add(id + ": " + accepted + " accepted deliveries in " + attempts.size() + " attempts");
                continue;
            }
            if (!attempts.stream().allMatch(a -> ("msg_" + id).equals(a.webhookId()))) {
                problems.add(id + ": attempts with another webhook-id than msg_" + id);
            }
            if (!attempts.stream().allMatch(WebhookSink.Attempt::signatureValid)) {
                problems.add(id + ": an attempt with an invalid signature");
            }
            if (attempts.stream().map(a -> data(a.body())).distinct().count() != 1) {
                problems.add(id + ": attempts carry different events");
            }
            JsonNode data = data(attempts.get(0).body());
            if (!id.equals(data.path("id").asText()) || !state.equals(data.path("state").asText())) {
                problems.add(id + ": webhook says " + data);
            }
            // Where the gateway answered (a gateway crash is a scenario of its own): it showed the final state.
            if (!attempts.stream().allMatch(a -> a.apiState().map(state::equals).orElse(true))) {
                problems.add(id + ": the API showed " + attempts.stream().map(WebhookSink.Attempt::apiState).toList()
                        + " when the webhook arrived");
            }
            if (!"delivered".equals(statuses.get(id).path("webhook").asText())) {
                problems.add(id + ": job's webhook status is " + statuses.get(id).path("webhook"));
            }
        }
        assertTrue(problems.isEmpty(), scenario + ": " + problems.size() + " webhook problems, first ones: "
                + problems.subList(0, Math.min(5, problems.size())));
        assertTrue(webhookRedeliveries() <= allowedRedeliveries, scenario + ": " + webhookRedeliveries()
                + " webhooks redelivered after the receiver had accepted them; at most " + allowedRedeliveries
                + " expected");
        return this;
    }

    /** The fault really interrupted the run: it started after the first jobs and before the last ended. */
    RunReport assertFaultHitTheRun() {
        assertFalse(submissions.isEmpty());
        long lastEnd = submissions.keySet().stream().mapToLong(this::endedAt).max().orElseThrow();
        assertTrue(faultStart < lastEnd, scenario + ": the fault began after every job had ended");
        long lastSubmission = submissions.values().stream().mapToLong(EditClient.Submitted::firstAttemptMillis).max()
                .orElseThrow();
        assertTrue(faultStart < lastSubmission, scenario + ": the fault began after the last submission");
        return this;
    }

    static JsonNode data(String body) {
        try {
            return JSON.readTree(Objects.requireNonNull(body)).path("data");
        } catch (IOException e) {
            throw new AssertionError("webhook body is not JSON: " + body, e);
        }
    }
}
