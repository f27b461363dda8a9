package io.brushline.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of {@code /v1/batches}, and of {@code /v1/datasets}, whose images are items too. */
@ConfigMapping(prefix = "brushline.batch")
public interface BatchConfig {

    /** Items one batch may hold; more is refused with 413 before anything is stored. */
    @WithDefault("1000")
    int maxItems();

    /** Batches of one tenant running at once (0 = no limit); one more is refused with 429. */
    @WithDefault("10")
    int maxInFlightPerTenant();

    /**
     * Dataset jobs of one tenant running at once (0 = no limit); one more is refused with 429. Apart from
     * the batches' limit: one dataset image becomes several full removals, so a few datasets fill the
     * painting tier as many batches do.
     */
    @WithDefault("2")
    int maxDatasetsInFlightPerTenant();

    /** Item images fetched and submitted at once while a batch is accepted. */
    @WithDefault("4")
    int submitConcurrency();

    /** Items per page of {@code GET /v1/batches/{id}} when the client gives no page_size. */
    @WithDefault("100")
    int defaultPageSize();

    /** The largest page_size a client may ask for. */
    @WithDefault("1000")
    int maxPageSize();
}
