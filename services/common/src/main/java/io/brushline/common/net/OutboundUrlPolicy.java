package io.brushline.common.net;

import io.brushline.common.BrushlineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which URLs the service may call on a client's behalf (webhooks, image URLs): http(s) only, and
 * never an address inside the deployment's own networks (loopback, private ranges, link-local and
 * cloud metadata, carrier-grade NAT, multicast, unique-local IPv6) unless its host is allow-listed
 * ({@code brushline.outbound.allowed-hosts}, entries {@code host} or {@code host:port}). Every
 * address a name resolves to is checked, and callers check again right before each request, so a
 * name that later resolves elsewhere is caught too.
 */
@ApplicationScoped
public class OutboundUrlPolicy {

    /** Why a URL was refused, in words for the client. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final Set<String> allowedHosts;

    @Inject
    public OutboundUrlPolicy(BrushlineConfig config) {
        this(config.outbound().allowedHosts().orElse(List.of()));
    }

    public OutboundUrlPolicy(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toSet());
    }

    /** The parsed URL when it may be called; otherwise {@link Refused} with the reason. */
    public URI check(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (Exception e) {
            throw new Refused("'" + url + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https URLs are allowed; got '" + uri.getScheme() + "'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("the URL has no host");
        }
        if (uri.getUserInfo() != null) {
            throw new Refused("URLs with credentials in them are not allowed");
        }
        String normalised = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (allowedHosts.contains(normalised) || allowedHosts.contains(normalised + ":" + port)) {
            return uri;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(normalised);
        } catch (UnknownHostException e) {
            throw new Refused("the host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new Refused("the host '" + host + "' is an internal address (" + address.getHostAddress()
                        + "); only public addresses can be called");
            }
        }
        return uri;
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0                                   // "this" network
                    || (first == 100 && second >= 64 && second < 128)   // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19))  // benchmarking
                    || first >= 240;                            // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return false;
    }
}
