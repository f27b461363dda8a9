package io.brushline.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings every service shares: where job state and images live, and how stages retry. */
@ConfigMapping(prefix = "brushline")
public interface BrushlineConfig {

    Redis redis();

    Storage storage();

    Stage stage();

    Outbound outbound();

    Models models();

    interface Redis {
        @WithDefault("redis://localhost:6379")
        String uri();

        /** Job hashes expire this long after their last change. */
        @WithDefault("P7D")
        Duration jobTtl();
    }

    interface Storage {
        @WithDefault("http://localhost:9000")
        String endpoint();

        @WithDefault("brushline")
        String accessKey();

        @WithDefault("brushline-local-secret")
        String secretKey();

        @WithDefault("brushline")
        String bucket();

        @WithDefault("us-east-1")
        String region();

        /** How long a presigned result URL stays valid. */
        @WithDefault("PT1H")
        Duration presignTtl();
    }

    interface Stage {
        /** Attempts for failures that may heal (storage or Redis briefly unreachable) before the job fails. */
        @WithDefault("10")
        int maxAttempts();

        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT10S")
        Duration maxBackoff();

        /**
         * No retry starts later than this after the first attempt. With one attempt's worst case (a
         * Kafka send times out after 30 s) it stays well below the consumer's unprocessed-record limit
         * (5 min, set for every consumer in the shared defaults).
         */
        @WithDefault("PT60S")
        Duration maxRetryDuration();
    }

    interface Outbound {
        /**
         * Hosts ({@code host} or {@code host:port}) that webhooks and image URLs may reach even though
         * they are internal addresses; for local testing only.
         */
        java.util.Optional<java.util.List<String>> allowedHosts();
    }

    interface Models {
        /** Fetch model files missing locally from object storage (and cache them at their local path). */
        @WithDefault("false")
        boolean fetchFromStorage();

        /** Where model files live in the bucket. */
        @WithDefault("models/")
        String storagePrefix();
    }
}
