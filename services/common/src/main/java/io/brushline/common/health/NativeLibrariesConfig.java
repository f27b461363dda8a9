package io.brushline.common.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which native libraries a service loads at start-up. */
@ConfigMapping(prefix = "brushline.native-libraries")
public interface NativeLibrariesConfig {

    /** OpenCV, for every service that handles pixels. */
    @WithDefault("true")
    boolean opencv();
}
