package io.brushline.localstack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature a receiver expects, computed from the spec's definition for the
 * test receivers, independently of the notifier's own signer:
 * {@code v1,} + base64(HMAC-SHA256(key of the whsec_ secret, id.timestamp.body)).
 */
public final class WebhookSignatures {

    private final byte[] key;

    public WebhookSignatures(String secret) {
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    public String expected(String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a delivery's three headers ({@code webhook-id}, {@code webhook-timestamp},
     * {@code webhook-signature}, looked up by {@code header}) are present and the signature matches.
     */
    public boolean valid(UnaryOperator<String> header, String body) {
        String id = header.apply("webhook-id");
        String timestamp = header.apply("webhook-timestamp");
        String signature = header.apply("webhook-signature");
        return id != null && timestamp != null && signature != null && expected(id, timestamp, body).equals(signature);
    }
}
