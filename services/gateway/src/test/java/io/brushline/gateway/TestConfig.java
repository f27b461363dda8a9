package io.brushline.gateway;

import java.time.Duration;
import java.util.Map;

/** Gateway settings for unit tests, without booting Quarkus. */
final class TestConfig {

    private TestConfig() {
    }

    static GatewayConfig gateway(long maxBytes, long maxPixels, Map<String, String> apiKeys) {
        return new GatewayConfig() {
            public long maxImageBytes() {
                return maxBytes;
            }

            public long maxPixels() {
                return maxPixels;
            }

            public int maxInstructionLength() {
                return 2000;
            }

            public Duration idempotencyTtl() {
                return Duration.ofDays(1);
            }

            public Duration progressPollInterval() {
                return Duration.ofMillis(200);
            }

            public Map<String, String> apiKeys() {
                return apiKeys;
            }

            public int submissionsPerMinute() {
                return 600;
            }

            public int readsPerMinute() {
                return 1200;
            }

            public int maxProgressStreamsPerTenant() {
                return 10;
            }

            public Duration maxProgressStreamDuration() {
                return Duration.ofMinutes(30);
            }

            public Duration imageFetchTimeout() {
                return Duration.ofSeconds(2);
            }

            public int concurrentImageChecks() {
                return 2;
            }

            public Duration imageCheckWait() {
                return Duration.ofSeconds(60);
            }

            public String defaultTenant() {
                return "default";
            }
        };
    }
}
