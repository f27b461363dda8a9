package io.brushline.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The notifier's own configuration (its application.properties, no environment) under each profile:
 * outside dev and test no signing secret exists, and creating the signer (which the dispatcher does at
 * start-up) refuses with a message that names what to set.
 */
class WebhookSecretStartupTest {

    private static WebhookConfig configFor(String profile, Map<String, String> overrides) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(
                        WebhookSecretStartupTest.class.getClassLoader().getResource("application.properties"), 250))
                .withSources(new PropertiesConfigSource(overrides, "overrides", 400))
                .withMapping(WebhookConfig.class)
                .build();
        return config.getConfigMapping(WebhookConfig.class);
    }

    @Test
    void withoutASecretTheProductionProfileRefusesToStartAndSaysWhatToSet() throws IOException {
        WebhookConfig production = configFor("prod", Map.of());
        assertTrue(production.secret().isEmpty(), "a webhook secret is built in: " + production.secret());
        var refused = assertThrows(IllegalStateException.class, () -> WebhookSigner.ofConfigured(production.secret()));
        assertTrue(refused.getMessage().contains("set BRUSHLINE_WEBHOOK_SECRET"), refused.getMessage());
    }

    @Test
    void anEmptySecretAsTheManifestsShipItCountsAsNone() throws IOException {
        WebhookConfig production = configFor("prod", Map.of("brushline.webhook.secret", ""));
        var refused = assertThrows(IllegalStateException.class, () -> WebhookSigner.ofConfigured(production.secret()));
        assertTrue(refused.getMessage().contains("set BRUSHLINE_WEBHOOK_SECRET"), refused.getMessage());
    }

    @Test
    void aMalformedSecretIsRefusedToo() throws IOException {
        WebhookConfig production = configFor("prod", Map.of("brushline.webhook.secret", "whsec_not base64!"));
        var refused = assertThrows(IllegalStateException.class, () -> WebhookSigner.ofConfigured(production.secret()));
        assertTrue(refused.getMessage().contains("BRUSHLINE_WEBHOOK_SECRET"), refused.getMessage());
    }

    @Test
    void aConfiguredSecretSignsAndTheDevAndTestProfilesHaveTheirOwn() throws IOException {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        WebhookConfig production = configFor("prod", Map.of("brushline.webhook.secret", secret));
        assertEquals(new WebhookSigner(secret).sign("id", 1, "{}"),
                WebhookSigner.ofConfigured(production.secret()).sign("id", 1, "{}"));
        for (String profile : new String[] {"dev", "test"}) {
            WebhookConfig local = configFor(profile, Map.of());
            assertTrue(local.secret().isPresent(), profile);
            WebhookSigner.ofConfigured(local.secret());
        }
    }
}
