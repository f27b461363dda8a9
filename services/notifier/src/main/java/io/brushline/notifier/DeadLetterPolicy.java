package io.brushline.notifier;

import io.brushline.common.state.JobState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What becomes of a record parked on {@code edit-dead-letter}: put back on the topic it came from,
 * end its job as FAILED, or leave it parked. Pure decisions, so that they can be tested without
 * Kafka or Redis; {@link DeadLetterReplayer} carries them out.
 *
 * <p>A record is parked when a stage gave up on it (the job is then FAILED already), when it cannot be
 * read or names no job (poison), and when the consumer nacked it for a reason that has nothing to do
 * with the job (a service shutting down refuses records once its worker pool has closed; those are now
 * left uncommitted instead, see {@code ParkUnlessStopping}). Only the last kind leaves a job running,
 * and nothing else would ever move it again.
 */
final class DeadLetterPolicy {

    enum Action {
        /** Put the record back on its original topic, one more replay counted. */
        REPLAY,
        /** Replays used up: the job ends FAILED ({@code internal_error}) through {@code edit-failed}. */
        FAIL_JOB,
        /** Nothing to do: the job has ended, does not exist, or the record names no topic to go back to. */
        LEAVE
    }

    /** The stage that consumes each pipeline topic, as it appears in a job's failure. */
    private static final Map<String, String> STAGES = Map.of(
            "edit-requested", "classifier",
            "edit-classified", "grounding",
            "edit-grounded", "masking",
            "edit-masked", "inpainting",
            "edit-masked-cpu", "inpainting",
            "edit-masked-bulk", "inpainting");
    /** The notifier's own topics: their records announce a job that may already read terminal. */
    private static final Set<String> NOTIFIER_TOPICS = Set.of("edit-completed", "edit-failed");

    private DeadLetterPolicy() {
    }

    /**
     * @param topic the topic the record was parked from ({@code dead-letter-topic}), or null
     * @param state the job's state, empty when there is no such job
     * @param replays how often the record was replayed already
     * @param maxReplays replays allowed before the job is failed
     */
    static Action decide(String topic, Optional<JobState> state, int replays, int maxReplays) {
        if (topic == null || state.isEmpty()) {
            return Action.LEAVE;
        }
        if (NOTIFIER_TOPICS.contains(topic)) {
            // The notifier marks the job terminal before it schedules the webhook, so a terminal job does
            // not prove the webhook was scheduled; the notifier keeps one delivery per job, so a replay
            // is harmless. When the replays are used up the job has ended anyway: nothing more to fail.
            return replays < maxReplays ? Action.REPLAY : Action.LEAVE;
        }
        if (!STAGES.containsKey(topic) || state.get().isTerminal()) {
            return Action.LEAVE;
        }
        return replays < maxReplays ? Action.REPLAY : Action.FAIL_JOB;
    }

    /** The stage that consumes {@code topic}, for the failure's {@code stage} field. */
    static String stageOf(String topic) {
        return STAGES.getOrDefault(topic, "pipeline");
    }

    /** The reason a person reads on a job failed here. */
    static String reason(String topic, int attempts) {
        return "the " + stageOf(topic) + " stage could not process this job after " + attempts
                + " attempts; resubmit it";
    }

    /**
     * How long to wait, from now, before replaying a record parked at {@code parkedAtMillis}: {@code
     * delay} doubled for each replay already made, so that a record meets a service that has had time
     * to come back; no wait when the record has waited that long already (a backlog).
     */
    static Duration waitBefore(long parkedAtMillis, long nowMillis, Duration delay, int replays) {
        long due = parkedAtMillis + delay.toMillis() * (1L << Math.min(replays, 10));
        return Duration.ofMillis(Math.max(0, due - nowMillis));
    }

    /** The replay count a record carries in its header; 0 when absent or unreadable. */
    static int replays(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
