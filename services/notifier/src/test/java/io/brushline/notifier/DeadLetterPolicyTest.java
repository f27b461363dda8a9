package io.brushline.notifier;

import static io.brushline.notifier.DeadLetterPolicy.Action.FAIL_JOB;
import static io.brushline.notifier.DeadLetterPolicy.Action.LEAVE;
import static io.brushline.notifier.DeadLetterPolicy.Action.REPLAY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brushline.common.state.JobState;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadLetterPolicyTest {

    private static final int MAX = 3;

    @Test
    void aRunningJobsRecordIsReplayedUntilTheReplaysAreUsedUpThenTheJobFails() {
        for (String topic : new String[] {"edit-requested", "edit-classified", "edit-grounded", "edit-masked",
                "edit-masked-cpu", "edit-masked-bulk"}) {
            for (JobState running : new JobState[] {JobState.QUEUED, JobState.MASKING, JobState.PAINTING}) {
                assertEquals(REPLAY, DeadLetterPolicy.decide(topic, Optional.of(running), 0, MAX), topic);
                assertEquals(REPLAY, DeadLetterPolicy.decide(topic, Optional.of(running), 2, MAX), topic);
                assertEquals(FAIL_JOB, DeadLetterPolicy.decide(topic, Optional.of(running), 3, MAX), topic);
                assertEquals(FAIL_JOB, DeadLetterPolicy.decide(topic, Optional.of(running), 7, MAX), topic);
            }
        }
    }

    @Test
    void aRecordOfAnEndedJobStaysParked() {
        // A stage that gave up marked the job FAILED itself; a replay would only be skipped.
        for (JobState ended : new JobState[] {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELED}) {
            assertEquals(LEAVE, DeadLetterPolicy.decide("edit-masked", Optional.of(ended), 0, MAX));
            assertEquals(LEAVE, DeadLetterPolicy.decide("edit-masked", Optional.of(ended), MAX, MAX));
        }
    }

    @Test
    void poisonAndStrangersStayParked() {
        assertEquals(LEAVE, DeadLetterPolicy.decide("edit-masked", Optional.empty(), 0, MAX), "no such job");
        assertEquals(LEAVE, DeadLetterPolicy.decide(null, Optional.of(JobState.MASKING), 0, MAX), "no origin");
        assertEquals(LEAVE, DeadLetterPolicy.decide("other-topic", Optional.of(JobState.MASKING), 0, MAX));
    }

    @Test
    void theNotifiersOwnRecordsAreReplayedEvenForATerminalJobButNeverFailIt() {
        // The job reads terminal before its webhook is scheduled: a parked completion may still be owed one.
        for (String topic : new String[] {"edit-completed", "edit-failed"}) {
            assertEquals(REPLAY, DeadLetterPolicy.decide(topic, Optional.of(JobState.SUCCEEDED), 0, MAX));
            assertEquals(REPLAY, DeadLetterPolicy.decide(topic, Optional.of(JobState.PAINTING), 2, MAX));
            assertEquals(LEAVE, DeadLetterPolicy.decide(topic, Optional.of(JobState.FAILED), 3, MAX));
            assertEquals(LEAVE, DeadLetterPolicy.decide(topic, Optional.empty(), 0, MAX));
        }
    }

    @Test
    void noReplaysAllowedFailsARunningJobAtOnce() {
        assertEquals(FAIL_JOB, DeadLetterPolicy.decide("edit-grounded", Optional.of(JobState.MASKING), 0, 0));
    }

    @Test
    void theDelayDoublesWithEachReplayAndCountsFromTheParking() {
        Duration delay = Duration.ofSeconds(2);
        assertEquals(Duration.ofMillis(2000), DeadLetterPolicy.waitBefore(10_000, 10_000, delay, 0));
        assertEquals(Duration.ofMillis(1500), DeadLetterPolicy.waitBefore(10_000, 10_500, delay, 0));
        assertEquals(Duration.ofMillis(4000), DeadLetterPolicy.waitBefore(10_000, 10_000, delay, 1));
        assertEquals(Duration.ofMillis(8000), DeadLetterPolicy.waitBefore(10_000, 10_000, delay, 2));
        // A record read long after it was parked (a backlog) goes at once.
        assertEquals(Duration.ZERO, DeadLetterPolicy.waitBefore(10_000, 60_000, delay, 2));
    }

    @Test
    void theReplayCountIsReadLeniently() {
        assertEquals(0, DeadLetterPolicy.replays(null));
        assertEquals(0, DeadLetterPolicy.replays("x"));
        assertEquals(0, DeadLetterPolicy.replays("-4"));
        assertEquals(2, DeadLetterPolicy.replays(" 2 "));
    }

    @Test
    void theFailureNamesTheStageAndTheAttempts() {
        assertEquals("inpainting", DeadLetterPolicy.stageOf("edit-masked-cpu"));
        assertEquals("inpainting", DeadLetterPolicy.stageOf("edit-masked-bulk"));
        assertEquals("masking", DeadLetterPolicy.stageOf("edit-grounded"));
        assertEquals("the inpainting stage could not process this job after 4 attempts; resubmit it",
                DeadLetterPolicy.reason("edit-masked", 4));
    }
}
