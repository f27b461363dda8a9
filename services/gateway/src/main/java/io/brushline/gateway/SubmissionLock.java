package io.brushline.gateway;

import io.brushline.common.state.JobStore;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One request per key submits at a time: a lock with a lease in Redis, so a gateway that dies holding
 * it blocks the key for the lease at most. The others poll it (another gateway may hold it: there is
 * nothing to wait on locally) and may find their answer meanwhile, as the holder's outcome.
 */
final class SubmissionLock {

    private static final long POLL_MILLIS = 25;

    private final JobStore jobs;
    private final Duration lease;
    private final Duration wait;

    /**
     * @param lease longest a submission may hold the lock
     * @param wait how long a request waits for the holder before answering 409
     */
    SubmissionLock(JobStore jobs, Duration lease, Duration wait) {
        this.jobs = jobs;
        this.lease = lease;
        this.wait = wait;
    }

    /**
     * Whether {@code stored}, the batch or dataset an Idempotency-Key already names, is the one this
     * request submits again: false while nothing is stored under it yet; 422 when it is another one.
     *
     * @param what "batch" or "dataset"
     */
    static boolean isRetry(Map<String, String> stored, String fingerprint, String what, String id) {
        if (stored.isEmpty()) {
            return false;
        }
        if (!fingerprint.equals(stored.get("fingerprint"))) {
            throw new ApiException(ApiException.UNPROCESSABLE, "idempotency_key_reused", "this Idempotency-Key "
                    + "was used for a different " + what + " (" + id + "); use a new key for a new " + what);
        }
        return true;
    }

    /**
     * Takes the lock, or returns the answer {@code answeredMeanwhile} finds while another request
     * holds it; the caller holds the lock exactly when this returns empty.
     *
     * @param busy what a 409 says when the holder takes longer than the wait
     */
    <T> Optional<T> acquire(String tenant, String key, Supplier<Optional<T>> answeredMeanwhile, String busy) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!jobs.lockSubmission(tenant, key, lease)) {
            Optional<T> answer = answeredMeanwhile.get();
            if (answer.isPresent()) {
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new ApiException(Response.Status.CONFLICT, "idempotency_key_in_use", busy);
            }
            pause();
        }
        return Optional.empty();
    }

    void release(String tenant, String key) {
        jobs.unlockSubmission(tenant, key);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Response.Status.SERVICE_UNAVAILABLE, "interrupted", "the gateway is shutting down; "
                    + "retry the request");
        }
    }
}
