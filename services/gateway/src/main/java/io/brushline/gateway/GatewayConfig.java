package io.brushline.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and behaviour of the public API. */
@ConfigMapping(prefix = "brushline.gateway")
public interface GatewayConfig {

    /** Uploads above this size are refused before they are decoded. */
    @WithDefault("20000000")
    long maxImageBytes();

    /** Images with more pixels than this are refused from their header, before decoding (decompression bombs). */
    @WithDefault("40000000")
    long maxPixels();

    @WithDefault("2000")
    int maxInstructionLength();

    /** How long downloading an {@code image_url} may take in all: connecting, redirects and the whole body. */
    @WithDefault("PT20S")
    Duration imageFetchTimeout();

    /**
     * Images decoded at once to validate them; further uploads wait their turn. With the subsampled
     * decode this bounds the memory validation takes whatever the number of concurrent uploads.
     */
    @WithDefault("2")
    int concurrentImageChecks();

    /** How long an upload waits for its turn to be validated before the gateway answers 503. */
    @WithDefault("PT30S")
    Duration imageCheckWait();

    /**
     * How often failures that the job queue did not take at submission are sent again (read by
     * {@link FailureOutbox}'s {@code @Scheduled} trigger), and how long after a failed send through the
     * {@link QueueBreaker} the next ones (those failures, a dataset's records of images not submitted)
     * fail at once without trying the queue.
     */
    @WithDefault("15s")
    Duration resendFailuresEvery();

    /** How long an Idempotency-Key keeps returning the job it created. */
    @WithDefault("P1D")
    Duration idempotencyTtl();

    /** How often the progress stream looks at the job's state. */
    @WithDefault("PT0.2S")
    Duration progressPollInterval();

    /**
     * API keys by tenant, as hex SHA-256 hashes (several separated by commas). None configured: the
     * API is open and everything runs as {@link #defaultTenant()}.
     */
    java.util.Map<String, String> apiKeys();

    /** Submissions a tenant may make per minute (0 = unlimited). */
    @WithDefault("600")
    int submissionsPerMinute();

    /** Reads (status, result, mask, progress streams, cancel) a tenant may make per minute (0 = unlimited). */
    @WithDefault("1200")
    int readsPerMinute();

    /** Progress streams (server-sent events) one tenant may hold open at once on one gateway instance. */
    @WithDefault("10")
    int maxProgressStreamsPerTenant();

    /** A progress stream ends after this long even if the job has not; the client may open a new one. */
    @WithDefault("PT30M")
    Duration maxProgressStreamDuration();

    /** The tenant of requests when no API keys are configured. */
    @WithDefault("default")
    String defaultTenant();
}
