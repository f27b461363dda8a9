package io.brushline.notifier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
 * the key being the base64 part of a {@code whsec_} secret.
 */
public final class WebhookSigner {

    private static final String PREFIX = "whsec_";
    private final byte[] key;

    /**
     * The signer of the configured secret; without one the notifier must not start (it would send
     * webhooks no receiver can trust), and the message says what to set.
     */
    public static WebhookSigner ofConfigured(Optional<String> secret) {
        String value = secret.map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "no webhook signing secret is configured: set BRUSHLINE_WEBHOOK_SECRET (brushline.webhook.secret)"
                        + " to whsec_ followed by at least 24 random bytes in base64, for example"
                        + " whsec_$(openssl rand -base64 32), and give the same secret to your webhook receivers"));
        try {
            return new WebhookSigner(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("BRUSHLINE_WEBHOOK_SECRET (brushline.webhook.secret) is not whsec_"
                    + " followed by base64: " + e.getMessage(), e);
        }
    }

    public WebhookSigner(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        this.key = Base64.getDecoder().decode(encoded);
    }

    public String sign(String webhookId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((webhookId + "." + timestampSeconds + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
