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

    /** The tenant of requests that name none. */
    @WithDefault("default")
    String defaultTenant();
}
