package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantResolverTest {

    private final TenantResolver resolver = new TenantResolver(TestConfig.gateway(1, 1, Map.of(
            "acme", TenantResolver.sha256("acme-key-1") + ", " + TenantResolver.sha256("acme-key-2"),
            "globex", TenantResolver.sha256("globex-key"))));

    @Test
    void findsTheTenantOfABearerOrHeaderKey() {
        assertEquals("acme", resolver.tenant("Bearer acme-key-1", null));
        assertEquals("acme", resolver.tenant(null, "acme-key-2"));
        assertEquals("globex", resolver.tenant(null, "globex-key"));
    }

    @Test
    void refusesMissingAndUnknownKeys() {
        var missing = assertThrows(ApiException.class, () -> resolver.tenant(null, null));
        assertEquals(Response.Status.UNAUTHORIZED, missing.status());
        var unknown = assertThrows(ApiException.class, () -> resolver.tenant("Bearer guess", null));
        assertEquals("unauthenticated", unknown.code());
        // the hash itself is not a key
        assertThrows(ApiException.class, () -> resolver.tenant(null, TenantResolver.sha256("globex-key")));
    }

    @Test
    void withoutKeysEverythingIsTheDefaultTenant() {
        var open = new TenantResolver(TestConfig.gateway(1, 1, Map.of()));
        assertEquals("default", open.tenant(null, null));
    }
}
