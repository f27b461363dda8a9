package io.brushline.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {

    private final OutboundUrlPolicy policy = new OutboundUrlPolicy(List.of("127.0.0.1:9999", "hooks.internal"));

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1/hook", "http://localhost:8080/", "http://10.1.2.3/", "http://172.16.0.1/",
        "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
        "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/",
        "http://127.0.0.1:9998/not-the-allowed-port"})
    void refusesInternalAddresses(String url) {
        var refused = assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check(url));
        assertTrue(refused.getMessage().contains("internal address"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x", "javascript:alert(1)"})
    void refusesOtherSchemes(String url) {
        var refused = assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check(url));
        assertTrue(refused.getMessage().contains("only http and https"), refused.getMessage());
    }

    @Test
    void refusesCredentialsAndGarbage() {
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check("http://user:pw@93.184.216.34/"));
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check("not a url"));
        assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check("http:///nohost"));
    }

    @Test
    void allowsPublicAddressesAndTheAllowList() throws Exception {
        assertEquals("93.184.216.34", policy.check("https://93.184.216.34/hook").getHost());
        assertEquals(9999, policy.check("http://127.0.0.1:9999/hooks").getPort());
        assertEquals("hooks.internal", policy.check("http://hooks.internal/x").getHost());
    }
}
