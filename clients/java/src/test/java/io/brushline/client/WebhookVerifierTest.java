package io.brushline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The reference vector of the Standard Webhooks specification, the same one the notifier's
 * WebhookSignerTest signs: what the notifier sends, this verifier accepts.
 */
class WebhookVerifierTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private final WebhookVerifier verifier = new WebhookVerifier(SECRET, Duration.ofMinutes(5),
            Clock.fixed(Instant.ofEpochSecond(TIMESTAMP + 60), ZoneOffset.UTC));

    @Test
    void signsTheReferenceVectorAsTheNotifierDoes() {
        assertEquals(SIGNATURE, verifier.sign(ID, TIMESTAMP, BODY));
    }

    @Test
    void acceptsTheReferenceVectorAmongOtherSignatures() {
        verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY);
        assertTrue(verifier.isValid(ID, String.valueOf(TIMESTAMP), "v1,b3RoZXI= " + SIGNATURE, BODY),
                "a rotated secret sends several signatures");
    }

    @Test
    void refusesAChangedBodyIdOrTimestamp() {
        assertFalse(verifier.isValid(ID, String.valueOf(TIMESTAMP), SIGNATURE, "{\"test\": 2432232315}"));
        assertFalse(verifier.isValid("msg_other", String.valueOf(TIMESTAMP), SIGNATURE, BODY));
        assertFalse(verifier.isValid(ID, String.valueOf(TIMESTAMP + 1), SIGNATURE, BODY));
        var e = assertThrows(WebhookVerifier.InvalidWebhook.class,
                () -> verifier.verify(ID, String.valueOf(TIMESTAMP), "v1,AAAA", BODY));
        assertEquals("no signature of the webhook matches its body with this secret", e.getMessage());
    }

    @Test
    void refusesAnOldTimestampAndMissingHeaders() {
        var old = assertThrows(WebhookVerifier.InvalidWebhook.class,
                () -> verifier.verify(ID, String.valueOf(TIMESTAMP - 600), SIGNATURE, BODY));
        assertEquals("the webhook's timestamp is 660 s away from now, more than the 300 s tolerated", old.getMessage());
        assertThrows(WebhookVerifier.InvalidWebhook.class, () -> verifier.verify(ID, null, SIGNATURE, BODY));
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedInWords() {
        var e = assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier("whsec_not base64!"));
        assertEquals("the webhook secret is not whsec_ followed by base64", e.getMessage());
    }
}
