package io.brushline.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Maps an API key to its tenant. Keys are configured only as SHA-256 hashes
 * ({@code brushline.gateway.api-keys.<tenant>=<hex sha-256 of the key>}), so neither the
 * configuration nor a memory dump holds a usable key. Without any key configured the API is open and
 * every request belongs to the default tenant (the local run).
 */
@ApplicationScoped
public class TenantResolver {

    private final Map<String, String> tenantByKeyHash = new HashMap<>();
    private final String defaultTenant;

    public TenantResolver(GatewayConfig config) {
        config.apiKeys().forEach((tenant, hash) -> {
            for (String one : hash.split(",")) {
                tenantByKeyHash.put(one.strip().toLowerCase(java.util.Locale.ROOT), tenant);
            }
        });
        this.defaultTenant = config.defaultTenant();
    }

    public boolean authenticationRequired() {
        return !tenantByKeyHash.isEmpty();
    }

    /** The tenant of a request, from {@code Authorization: Bearer <key>} or {@code X-API-Key}. */
    public String tenant(String authorization, String apiKeyHeader) {
        if (!authenticationRequired()) {
            return defaultTenant;
        }
        String key = apiKeyHeader;
        if ((key == null || key.isBlank()) && authorization != null && authorization.startsWith("Bearer ")) {
            key = authorization.substring("Bearer ".length());
        }
        if (key == null || key.isBlank()) {
            throw new ApiException(Response.Status.UNAUTHORIZED, "unauthenticated",
                    "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
        }
        String tenant = tenantByKeyHash.get(sha256(key.strip()));
        if (tenant == null) {
            throw new ApiException(Response.Status.UNAUTHORIZED, "unauthenticated", "the API key is not valid");
        }
        return tenant;
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
