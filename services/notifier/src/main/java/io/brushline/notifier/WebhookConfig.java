package io.brushline.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Webhook signing and the retry schedule (documented in the README). */
@ConfigMapping(prefix = "brushline.webhook")
public interface WebhookConfig {

    /**
     * Standard Webhooks secret, {@code whsec_} followed by base64 key bytes. No default: receivers
     * verify signatures with it, so a secret shipped in the code would let anyone forge webhooks. Only
     * the dev and test profiles set one (application.properties).
     */
    Optional<String> secret();

    /** How long one delivery attempt may take before it counts as failed. */
    @WithDefault("PT10S")
    Duration timeout();

    /** Delay before the second attempt; doubles each time up to {@link #maxBackoff()}, with +-20% jitter. */
    @WithDefault("PT1S")
    Duration initialBackoff();

    @WithDefault("PT15M")
    Duration maxBackoff();

    /**
     * Attempts in all before a delivery is given up: with the defaults the gaps are 1, 2, 4 ... 512 s,
     * then 15 min, about 32 min of retries in all (give or take the jitter).
     */
    @WithDefault("12")
    int maxAttempts();

    /** How long a delivery's record (status, attempts) is kept after its last change. */
    @WithDefault("P7D")
    Duration recordTtl();

    /** How long a URL that answered 410 Gone receives no more webhooks of that tenant. */
    @WithDefault("P30D")
    Duration goneTtl();

    /** How often due deliveries are looked for. */
    @WithDefault("PT0.1S")
    Duration pollInterval();

    /** Concurrent deliveries per notifier instance. */
    @WithDefault("16")
    int concurrency();
}
