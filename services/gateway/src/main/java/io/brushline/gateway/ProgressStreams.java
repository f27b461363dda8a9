package io.brushline.gateway;

import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The progress streams (server-sent events) of jobs: the job's status each time it changes, until it
 * ends. Redis is read on worker threads only, never on the event loop that writes the stream; a
 * tenant holds at most {@code max-progress-streams-per-tenant} streams at once on one gateway, and a
 * stream closes after {@code max-progress-stream-duration} even if its job has not ended.
 */
@ApplicationScoped
public class ProgressStreams {

    private final JobStore jobs;
    private final GatewayConfig config;
    private final Executor blockingWork;
    private final Map<String, AtomicInteger> openByTenant = new ConcurrentHashMap<>();

    @Inject
    public ProgressStreams(JobStore jobs, GatewayConfig config) {
        this(jobs, config, Infrastructure.getDefaultWorkerPool());
    }

    ProgressStreams(JobStore jobs, GatewayConfig config, Executor blockingWork) {
        this.jobs = jobs;
        this.config = config;
        this.blockingWork = blockingWork;
    }

    /** A stream of job {@code id} of {@code tenant} (whose ownership the caller checked); 429 over the cap. */
    public Multi<Map<String, Object>> follow(String tenant, String id) {
        AtomicInteger open = openByTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        int limit = config.maxProgressStreamsPerTenant();
        if (open.incrementAndGet() > limit) {
            open.decrementAndGet();
            throw new ApiException(Response.Status.TOO_MANY_REQUESTS, "too_many_streams",
                    "more than " + limit + " progress streams are open at once; close one, or read the job's"
                            + " status with GET /v1/edits/" + id);
        }
        Map<String, Object> end = Map.of();
        return Multi.createFrom().ticks().every(config.progressPollInterval())
                // a tick that comes while the last read is still running is skipped, not a failure
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(() -> JobView.of(id, jobs.get(id)))
                        .runSubscriptionOn(blockingWork))
                .skip().repetitions()
                // emit the terminal status itself, then end the stream
                .onItem().transformToMultiAndConcatenate(view -> isTerminal(view)
                        ? Multi.createFrom().items(view, end)
                        : Multi.createFrom().item(view))
                .select().first(view -> view != end)
                .select().first(config.maxProgressStreamDuration())
                .onTermination().invoke(open::decrementAndGet);
    }

    /** Streams open now for {@code tenant} on this gateway. */
    int open(String tenant) {
        AtomicInteger open = openByTenant.get(tenant);
        return open == null ? 0 : open.get();
    }

    private static boolean isTerminal(Map<String, Object> view) {
        return JobState.valueOf((String) view.get("state")).isTerminal();
    }
}
