package io.brushline.common.net;

import io.brushline.common.BrushlineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.Dns;
import okhttp3.OkHttpClient;

/**
 * Which URLs the service may call on a client's behalf (webhooks, image URLs): http(s) only, and
 * never an address inside the deployment's own networks ({@link InternalAddresses}) unless its host
 * is allow-listed ({@code brushline.outbound.allowed-hosts}, entries {@code host} or {@code host:port}).
 *
 * <p>The address that is checked is the address that is connected to: requests go through
 * {@link #pin(OkHttpClient, URI)}, whose {@link Dns} resolves the name once, refuses it if any of its
 * addresses is internal, and hands exactly those addresses to the connection. A name that resolves to
 * a public address when a job is submitted and to an internal one when it is called (DNS rebinding)
 * is refused at the call. IP literals are checked as written, and numeric hosts in any other spelling
 * than the dotted quad (decimal, octal or hex numbers, shortened quads) are refused outright, because
 * resolvers and HTTP clients disagree about what they mean.
 */
@ApplicationScoped
public class OutboundUrlPolicy {

    /** Why a URL was refused, in words for the client. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** A refusal raised from inside the HTTP client's name lookup; it fails the call before any connection. */
    public static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /** How a host name becomes addresses; the system resolver outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    // Every label a number (decimal, octal with a leading 0, or hex with 0x): an IPv4 address in some spelling.
    private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private final Set<String> allowedHosts;
    private final Resolver resolver;

    @Inject
    public OutboundUrlPolicy(BrushlineConfig config) {
        this(config.outbound().allowedHosts().orElse(List.of()));
    }

    public OutboundUrlPolicy(List<String> allowedHosts) {
        this(allowedHosts, InetAddress::getAllByName);
    }

    public OutboundUrlPolicy(List<String> allowedHosts, Resolver resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty()).collect(Collectors.toSet());
        this.resolver = resolver;
    }

    /**
     * The parsed URL when it may be called now; otherwise {@link Refused} with the reason. Resolves the
     * host, so it answers early (at submission); the call itself must still go through {@link #pin}.
     */
    public URI check(String url) throws Refused {
        URI uri = checkForm(url);
        if (!isAllowListed(normalise(uri.getHost()), port(uri))) {
            addresses(uri.getHost(), port(uri));
        }
        return uri;
    }

    /**
     * Everything that can be checked without a name lookup: scheme, host, no credentials, no ambiguous
     * numeric host, and IP literals against the internal ranges. Names are checked by {@link #pin}'s lookup.
     */
    public URI checkForm(String url) throws Refused {
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
            // java.net.URI gives no host for authorities such as 127.1 that other parsers read as addresses
            String authority = uri.getRawAuthority();
            if (authority == null) {
                throw new Refused("the URL has no host");
            }
            if (NUMERIC_HOST.matcher(authority.replaceFirst(":[0-9]*$", "")).matches()) {
                throw ambiguous(authority);
            }
            throw new Refused("'" + authority + "' is not a valid host name");
        }
        if (uri.getUserInfo() != null) {
            throw new Refused("URLs with credentials in them are not allowed");
        }
        String normalised = normalise(host);
        if (NUMERIC_HOST.matcher(normalised).matches() && !DOTTED_QUAD.matcher(normalised).matches()) {
            throw ambiguous(host);
        }
        if (isLiteral(normalised) && !isAllowListed(normalised, port(uri))) {
            // A literal is never looked up, so checking it here is checking what is connected to.
            addresses(normalised, port(uri));
        }
        return uri;
    }

    private static Refused ambiguous(String host) {
        return new Refused("the host '" + host + "' is a numeric address in an ambiguous spelling;"
                + " write IPv4 addresses as four decimal numbers (a.b.c.d)");
    }

    /**
     * A client for one request to {@code uri}: the same connection pool and settings as {@code client},
     * with a name lookup that refuses internal addresses and connects only to the addresses it checked,
     * no proxy, and a last check of the address the connection actually reached, before a byte of the
     * request is sent (so that no difference between URL parsers can lead elsewhere). Calls fail with
     * {@link RefusedAddress}, an {@link UnknownHostException}, when the policy refuses.
     */
    public OkHttpClient pin(OkHttpClient client, URI uri) {
        return client.newBuilder()
                .proxy(Proxy.NO_PROXY)
                .dns(new CheckedDns(this, port(uri)))
                .addNetworkInterceptor(chain -> {
                    InetSocketAddress connected = chain.connection().route().socketAddress();
                    String host = normalise(chain.request().url().host());
                    if (!isAllowListed(host, connected.getPort())
                            && InternalAddresses.isInternal(connected.getAddress())) {
                        throw new RefusedAddress("the host '" + host + "' is an internal address ("
                                + connected.getAddress().getHostAddress() + "); only public addresses can be called");
                    }
                    return chain.proceed(chain.request());
                })
                .build();
    }

    /** The addresses of {@code host} when every one of them may be called on {@code port}. */
    List<InetAddress> addresses(String host, int port) throws Refused {
        String normalised = normalise(host);
        InetAddress[] addresses;
        try {
            addresses = isLiteral(normalised) ? InetAddress.getAllByName(normalised) : resolver.resolve(normalised);
        } catch (UnknownHostException e) {
            throw new Refused("the host '" + host + "' does not resolve");
        }
        if (isAllowListed(normalised, port)) {
            return List.of(addresses);
        }
        for (InetAddress address : addresses) {
            if (InternalAddresses.isInternal(address)) {
                throw new Refused("the host '" + host + "' is an internal address (" + address.getHostAddress()
                        + "); only public addresses can be called");
            }
        }
        return List.of(addresses);
    }

    private boolean isAllowListed(String normalisedHost, int port) {
        return allowedHosts.contains(normalisedHost) || allowedHosts.contains(normalisedHost + ":" + port);
    }

    private static String normalise(String host) {
        return host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    }

    private static boolean isLiteral(String host) {
        return host.contains(":") || DOTTED_QUAD.matcher(host).matches();
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The lookup of one port's requests. A value (record) so that requests to the same port share
     * pooled connections: OkHttp reuses a connection only for an equal {@link Dns}.
     */
    private record CheckedDns(OutboundUrlPolicy policy, int port) implements Dns {
        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            try {
                return policy.addresses(hostname, port);
            } catch (Refused e) {
                throw new RefusedAddress(e.getMessage());
            }
        }
    }
}
