package io.brushline.common.health;

import io.brushline.common.imaging.ImageCodec;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Loads the native libraries a service needs when it starts, not when the first job happens to touch
 * them, and keeps the service out of rotation (readiness DOWN) when they cannot load. Without this
 * the first job to reach an OpenCV call before anything else had loaded OpenCV failed.
 */
@Startup
@Readiness
@ApplicationScoped
public class NativeLibraries implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(NativeLibraries.class);
    static final String CHECK_NAME = "native-libraries";

    private final boolean opencv;
    private volatile String problem;

    public NativeLibraries(NativeLibrariesConfig config) {
        this.opencv = config.opencv();
    }

    @PostConstruct
    void load() {
        if (!opencv) {
            return;
        }
        try {
            ImageCodec.init();
        } catch (LinkageError e) {
            problem = "the OpenCV native library could not be loaded";
            LOG.error(problem, e);
        }
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(CHECK_NAME);
        if (problem != null) {
            return response.withData("opencv", problem).down().build();
        }
        return response.withData("opencv", opencv ? "loaded" : "not used").up().build();
    }
}
