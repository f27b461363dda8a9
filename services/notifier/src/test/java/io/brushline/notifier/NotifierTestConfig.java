package io.brushline.notifier;

import io.brushline.common.BrushlineConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;

/** The notifier's own application.properties in the test profile, for tests that build its beans by hand. */
final class NotifierTestConfig {

    private NotifierTestConfig() {
    }

    static SmallRyeConfig load() throws IOException {
        return new SmallRyeConfigBuilder()
                .withProfile("test")
                .withSources(new PropertiesConfigSource(
                        NotifierTestConfig.class.getClassLoader().getResource("application.properties"), 250))
                .withMapping(WebhookConfig.class)
                .withMapping(BrushlineConfig.class)
                // other services' keys in the shared file map to no class here
                .withValidateUnknown(false)
                .build();
    }
}
