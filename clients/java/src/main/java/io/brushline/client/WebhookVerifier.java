package io.brushline.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the signature of a webhook sent by Brushline, per the Standard Webhooks specification: the
 * {@code webhook-signature} header holds one or more space-separated {@code v1,<base64>} signatures,
 * each an HMAC-SHA256 with the key of the {@code whsec_} secret over
 * {@code <webhook-id>.<webhook-timestamp>.<raw body>}. A timestamp further than the tolerance
 * (5 minutes by default) from now is refused, so a captured webhook cannot be replayed later.
 *
 * <pre>{@code
 * WebhookVerifier verifier = new WebhookVerifier(System.getenv("BRUSHLINE_WEBHOOK_SECRET"));
 * verifier.verify(headers.get("webhook-id"), headers.get("webhook-timestamp"),
 *         headers.get("webhook-signature"), rawBody);   // throws InvalidWebhook
 * }</pre>
 */
public final class WebhookVerifier {

    /** A webhook whose signature or timestamp does not check out; the message says which. */
    public static final class InvalidWebhook extends RuntimeException {
        public InvalidWebhook(String message) {
            super(message);
        }
    }

    private static final String PREFIX = "whsec_";
    private final byte[] key;
    private final Duration tolerance;
    private final Clock clock;

    /** A verifier of the {@code whsec_} secret, with a tolerance of 5 minutes. */
    public WebhookVerifier(String secret) {
        this(secret, Duration.ofMinutes(5), Clock.systemUTC());
    }

    /** A verifier with its own timestamp tolerance and clock. */
    public WebhookVerifier(String secret, Duration tolerance, Clock clock) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("no webhook secret given: use the whsec_ secret the notifier signs with");
        }
        String encoded = secret.strip();
        encoded = encoded.startsWith(PREFIX) ? encoded.substring(PREFIX.length()) : encoded;
        try {
            this.key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret is not whsec_ followed by base64");
        }
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** The signature Brushline sends for this message: {@code v1,} and the base64 HMAC-SHA256. */
    public String sign(String webhookId, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(webhookId + "." + timestampSeconds + "." + body));
    }

    /**
     * Throws {@link InvalidWebhook} unless one of the signatures in {@code signatureHeader} is the
     * one of this message and the timestamp is within the tolerance.
     *
     * @param body the raw request body, exactly as received (not re-serialised JSON)
     */
    public void verify(String webhookId, String timestamp, String signatureHeader, String body) {
        if (webhookId == null || timestamp == null || signatureHeader == null) {
            throw new InvalidWebhook("the webhook lacks a webhook-id, webhook-timestamp or webhook-signature header");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new InvalidWebhook("the webhook-timestamp header is not a number of seconds: " + timestamp);
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new InvalidWebhook("the webhook's timestamp is " + Math.abs(now - seconds)
                    + " s away from now, more than the " + tolerance.toSeconds() + " s tolerated");
        }
        byte[] expected = hmac(webhookId + "." + seconds + "." + body);
        for (String candidate : signatureHeader.strip().split("\\s+")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw new InvalidWebhook("no signature of the webhook matches its body with this secret");
    }

    /** Whether {@link #verify} accepts the webhook. */
    public boolean isValid(String webhookId, String timestamp, String signatureHeader, String body) {
        try {
            verify(webhookId, timestamp, signatureHeader, body);
            return true;
        } catch (InvalidWebhook e) {
            return false;
        }
    }

    private byte[] hmac(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this Java runtime", e);
        }
    }
}
