package io.brushline.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void matchesTheStandardWebhooksReferenceVector() {
        var signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"));
    }

    @Test
    void signatureCoversIdTimestampAndBody() {
        var signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String base = signer.sign("msg_1", 100, "{}");
        assertNotEquals(base, signer.sign("msg_2", 100, "{}"));
        assertNotEquals(base, signer.sign("msg_1", 101, "{}"));
        assertNotEquals(base, signer.sign("msg_1", 100, "{ }"));
    }
}
