package io.brushline.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.EditJob;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.JobStore;
import io.lettuce.core.api.sync.RedisCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Sends the failures of jobs that end at submission (a batch item whose image could not be read, the
 * items of a batch cut short) to {@code edit-failed}, and keeps the ones the queue did not take: each is
 * held in Redis under {@value #HELD} and sent again every {@code brushline.gateway.resend-failures-every}
 * until Kafka takes it. Without that, a batch cut short because Kafka was down would never be counted to
 * its end once Kafka was back: no manifest, no batch webhook, no webhook for those items.
 *
 * <p>Sends go through the {@link QueueBreaker}, which the records of a dataset's images not submitted
 * share: once a send through it fails, the next ones are held at once, without waiting for Kafka's
 * timeout (10 s each), until a send is tried again after {@code resend-failures-every}. So a batch of a
 * thousand items cut short answers in seconds, not in hours.
 *
 * <p>Several gateway instances may send the same held failure at once; that is harmless, since the
 * notifier counts a batch item once and keeps one delivery per job.
 */
@ApplicationScoped
public class FailureOutbox {

    static final String HELD = "brushline:unsent-failures";
    private static final Logger LOG = Logger.getLogger(FailureOutbox.class);

    private final RedisCommands<String, String> redis;
    private final JobStore jobs;
    private final ObjectMapper json;
    private final MutinyEmitter<EditJob> failed;
    private final QueueBreaker breaker;

    public FailureOutbox(RedisCommands<String, String> redis, JobStore jobs, ObjectMapper json,
            @Channel("edit-failed") MutinyEmitter<EditJob> failed, QueueBreaker breaker) {
        this.redis = redis;
        this.jobs = jobs;
        this.json = json;
        this.failed = failed;
        this.breaker = breaker;
    }

    /**
     * Sends the failed job and waits for Kafka's acknowledgement. When Kafka does not take it, the job is
     * held for a later send and the error is thrown, so that the caller can answer 503 meanwhile.
     */
    public void send(EditJob job) {
        try {
            sendNow(job);
        } catch (RuntimeException e) {
            hold(job);
            throw e;
        }
    }

    @Scheduled(every = "${brushline.gateway.resend-failures-every}",
            delayed = "${brushline.gateway.resend-failures-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resendOnSchedule() {
        resendHeld();
    }

    /**
     * Sends every held failure whose job still exists and is not marked queued, and forgets the others
     * (expired, or sent meanwhile by another instance). Stops at the first send Kafka refuses.
     *
     * @return how many held failures Kafka took
     */
    int resendHeld() {
        Map<String, String> held = redis.hgetall(HELD);
        int sent = 0;
        for (Map.Entry<String, String> entry : held.entrySet()) {
            String jobId = entry.getKey();
            Map<String, String> job = jobs.get(jobId); // empty once it has expired
            if (job.isEmpty() || JobStore.isEnqueued(job)) {
                redis.hdel(HELD, jobId);
                continue;
            }
            try {
                sendNow(json.readValue(entry.getValue(), EditJob.class));
            } catch (JsonProcessingException e) {
                LOG.errorf("held failure of job %s is unreadable and is dropped: %s", jobId, e.getOriginalMessage());
                redis.hdel(HELD, jobId);
                continue;
            } catch (RuntimeException e) {
                LOG.warnf("%d held failures still wait for the job queue: %s", held.size() - sent, e.getMessage());
                return sent;
            }
            jobs.markEnqueued(jobId);
            redis.hdel(HELD, jobId);
            sent++;
        }
        if (sent > 0) {
            LOG.infof("sent %d failures held while the job queue was unreachable", sent);
        }
        return sent;
    }

    /** Sends unless the breaker is open (a send failed within the last {@code resend-failures-every}). */
    private void sendNow(EditJob job) {
        breaker.send(() -> failed.sendMessageAndAwait(StageProcessor.keyed(job)));
    }

    private void hold(EditJob job) {
        try {
            redis.hset(HELD, job.jobId(), json.writeValueAsString(job));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.errorf("the failure of job %s could neither be sent nor held for later: %s", job.jobId(), e.getMessage());
        }
    }
}
