package io.brushline.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-30T20:00:00Z");

    @Test
    void readsSecondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfter.parse(Optional.of(" 120 "), NOW));
        assertEquals(Optional.of(Duration.ofSeconds(90)),
                RetryAfter.parse(Optional.of("Mon, 30 Nov 2026 20:01:30 GMT"), NOW));
    }

    @Test
    void neverAnswersANegativeDelay() {
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse(Optional.of("-5"), NOW));
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.parse(Optional.of("Mon, 30 Nov 2026 19:00:00 GMT"), NOW));
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.empty(), NOW));
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.of("soon"), NOW));
    }
}
