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

    /** The tenant of requests when no API keys are configured. */
    @WithDefault("default")
    String defaultTenant();
}
