package io.brushline.common.net;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} header (RFC 9110): delay-seconds or an HTTP date, as the delay from now
 * (never negative); empty when absent or unreadable. The one parser every outbound client uses.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static Optional<Duration> parse(Optional<String> header, Instant now) {
        return header.map(String::trim).flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration delay = Duration.between(now, at);
                    return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
                } catch (DateTimeParseException unreadable) {
                    return Optional.empty();
                }
            }
        });
    }
}
