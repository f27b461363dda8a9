package io.brushline.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One run of cheap jobs submitted at a steady rate (open loop, as independent users would), with a
 * fault injected part-way through; then waits until every job has ended and its webhook has been
 * settled, and gathers what happened into a {@link RunReport}.
 */
final class FaultRun {

    /** What a scenario does to the system; returns a short account of it (what was down, how long). */
    @FunctionalInterface
    interface Fault {
        String inject() throws Exception;
    }

    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(90);
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED");
    private static final Set<String> WEBHOOK_SETTLED = Set.of("delivered", "gone", "exhausted");

    private final FaultStack system;
    private final String scenario;
    private int jobs = jobsPerRun();
    private double perSecond = Double.parseDouble(System.getProperty("faults.rate", "10"));
    private double faultAt = 0.2;
    private String webhookPath = "/ok/";
    private int baselineJobs = 40;

    FaultRun(FaultStack system, String scenario) {
        this.system = system;
        this.scenario = scenario;
    }

    /** Jobs per run: {@code -Dfaults.jobs}, 600 by default (tools/faults.sh runs 2000). */
    static int jobsPerRun() {
        return Integer.getInteger("faults.jobs", 600);
    }

    FaultRun jobs(int value) {
        this.jobs = value;
        return this;
    }

    FaultRun perSecond(double value) {
        this.perSecond = value;
        return this;
    }

    /**
     * When the fault starts, as a fraction of the submission period; above 1, once every submission
     * has been accepted.
     */
    FaultRun faultAt(double fraction) {
        this.faultAt = fraction;
        return this;
    }

    /**
     * Jobs run before the measured run, without a fault, to learn the normal end-to-end latency at
     * this rate on this machine (and to warm the services up); 0 to skip.
     */
    FaultRun baselineJobs(int value) {
        this.baselineJobs = value;
        return this;
    }

    FaultRun webhookPath(String value) {
        this.webhookPath = value;
        return this;
    }

    RunReport run(Fault fault) throws Exception {
        OptionalLong baseline = OptionalLong.empty();
        if (baselineJobs > 0) {
            RunReport quiet = submitAndSettle(baselineJobs, () -> "none", OptionalLong.empty());
            baseline = OptionalLong.of(quiet.settledLatency());
        }
        return submitAndSettle(jobs, fault, baseline);
    }

    private RunReport submitAndSettle(int jobs, Fault fault, OptionalLong baseline) throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        long start = System.currentTimeMillis();
        long interval = Math.round(1000 / perSecond);
        ExecutorService submitters = Executors.newFixedThreadPool(48);
        ExecutorService faultThread = Executors.newSingleThreadExecutor();
        long[] faultWindow = new long[2];
        try {
            List<Future<EditClient.Submitted>> submissions = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int index = i;
                long due = start + index * interval;
                submissions.add(submitters.submit(() -> {
                    sleepUntil(due);
                    return system.client.submit(system.image(index), FaultStack.INSTRUCTION, FaultStack.BOX,
                            system.webhooks.url(webhookPath), scenario + "-" + runId + "-" + index);
                }));
            }
            // At a point of the submission schedule, or (faultAt > 1) once every submission was accepted.
            Callable<String> injection = () -> {
                sleepUntil(start + Math.round(Math.min(faultAt, 1.0) * jobs * interval));
                faultWindow[0] = System.currentTimeMillis();
                try {
                    return fault.inject();
                } finally {
                    faultWindow[1] = System.currentTimeMillis();
                }
            };
            Future<String> injected = faultAt <= 1.0 ? faultThread.submit(injection) : null;
            Map<String, EditClient.Submitted> byJob = new LinkedHashMap<>();
            for (var submission : submissions) {
                EditClient.Submitted submitted = unwrap(submission);
                if (byJob.put(submitted.jobId(), submitted) != null) {
                    throw new AssertionError(scenario + ": two submissions with different Idempotency-Keys got the "
                            + "same job " + submitted.jobId());
                }
            }
            if (injected == null) {
                injected = faultThread.submit(injection);
            }
            String account = unwrap(injected);
            Map<String, JsonNode> statuses = awaitSettled(byJob.keySet());
            var audit = CompletionAudit.read(system.stack.kafkaBootstrap());
            // Grouped by the job the event is about, not by webhook-id, so that the report can check the id.
            Map<String, List<WebhookSink.Attempt>> attempts = new HashMap<>();
            for (var attempt : system.webhooks.attempts()) {
                String jobId = RunReport.data(attempt.body()).path("id").asText();
                if (byJob.containsKey(jobId)) {
                    attempts.computeIfAbsent(jobId, k -> new ArrayList<>()).add(attempt);
                }
            }
            return new RunReport(scenario, account, faultWindow[0], faultWindow[1], baseline, byJob, statuses, attempts,
                    audit);
        } finally {
            submitters.shutdownNow();
            // A fault is let finish even when the run failed: it restarts what it stopped, for the next test.
            faultThread.shutdown();
            if (!faultThread.awaitTermination(3, TimeUnit.MINUTES)) {
                faultThread.shutdownNow();
            }
        }
    }

    /**
     * Waits until every job has ended and its webhook is delivered, gone or exhausted; fails when no
     * job has settled for {@link #STALL_TIMEOUT} (stuck jobs), or after {@link #SETTLE_TIMEOUT} in all.
     */
    private Map<String, JsonNode> awaitSettled(Set<String> jobIds) throws InterruptedException {
        Map<String, JsonNode> settled = new HashMap<>();
        Map<String, JsonNode> pending = new LinkedHashMap<>();
        jobIds.forEach(id -> pending.put(id, null));
        long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT.toMillis();
        long lastProgress = System.currentTimeMillis();
        while (!pending.isEmpty()) {
            for (String id : List.copyOf(pending.keySet())) {
                JsonNode status = system.client.status(id);
                boolean ended = TERMINAL.contains(status.path("state").asText());
                if (ended && WEBHOOK_SETTLED.contains(status.path("webhook").asText())) {
                    settled.put(id, status);
                    pending.remove(id);
                    lastProgress = System.currentTimeMillis();
                } else {
                    pending.put(id, status);
                }
            }
            long now = System.currentTimeMillis();
            if (!pending.isEmpty() && (now > deadline || now - lastProgress > STALL_TIMEOUT.toMillis())) {
                throw new AssertionError(scenario + ": " + pending.size() + " jobs never settled (ended with their "
                        + "webhook delivered); for example " + pending.values().stream().limit(3).toList()
                        + "; logs in " + system.logs());
            }
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        return settled;
    }

    private static <T> T unwrap(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    static void sleepUntil(long epochMillis) throws InterruptedException {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
