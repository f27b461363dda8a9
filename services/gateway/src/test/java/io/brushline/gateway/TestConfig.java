package io.brushline.gateway;

import java.time.Duration;
import java.util.Map;

/** Gateway settings for unit tests, without booting Quarkus: the defaults, each one changeable. */
final class TestConfig implements GatewayConfig {

    long maxImageBytes = 20_000_000;
    long maxPixels = 40_000_000;
    Map<String, String> apiKeys = Map.of();
    int submissionsPerMinute = 600;
    int readsPerMinute = 1200;
    int maxProgressStreamsPerTenant = 10;
    Duration maxProgressStreamDuration = Duration.ofMinutes(30);
    Duration progressPollInterval = Duration.ofMillis(200);
    Duration imageFetchTimeout = Duration.ofSeconds(2);
    int concurrentImageChecks = 2;
    Duration imageCheckWait = Duration.ofSeconds(60);
    /** No wait after a refused send: a test's next send is tried at once. */
    Duration resendFailuresEvery = Duration.ZERO;

    static TestConfig gateway(long maxBytes, long maxPixels, Map<String, String> apiKeys) {
        TestConfig config = new TestConfig();
        config.maxImageBytes = maxBytes;
        config.maxPixels = maxPixels;
        config.apiKeys = apiKeys;
        return config;
    }

    public long maxImageBytes() {
        return maxImageBytes;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public int maxInstructionLength() {
        return 2000;
    }

    public Duration imageFetchTimeout() {
        return imageFetchTimeout;
    }

    public int concurrentImageChecks() {
        return concurrentImageChecks;
    }

    public Duration imageCheckWait() {
        return imageCheckWait;
    }

    public Duration idempotencyTtl() {
        return Duration.ofDays(1);
    }

    public Duration resendFailuresEvery() {
        return resendFailuresEvery;
    }

    public Duration progressPollInterval() {
        return progressPollInterval;
    }

    public Map<String, String> apiKeys() {
        return apiKeys;
    }

    public int submissionsPerMinute() {
        return submissionsPerMinute;
    }

    public int readsPerMinute() {
        return readsPerMinute;
    }

    public int maxProgressStreamsPerTenant() {
        return maxProgressStreamsPerTenant;
    }

    public Duration maxProgressStreamDuration() {
        return maxProgressStreamDuration;
    }

    public String defaultTenant() {
        return "default";
    }
}
