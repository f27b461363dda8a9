package io.brushline.common.net;

import java.net.InetAddress;
import java.util.List;

/**
 * The address ranges no outbound call may reach: private, loopback, link-local, shared and reserved
 * IPv4 space, and every IPv6 range that is local or that carries an IPv4 address to somewhere else
 * (IPv4-compatible and -mapped, NAT64, 6to4, Teredo), since the IPv4 address inside may be internal.
 * IPv4-mapped addresses ({@code ::ffff:a.b.c.d}) need no entry: Java turns them into the IPv4
 * address they carry, which the IPv4 ranges judge. A prefix table rather than {@link InetAddress}'s
 * {@code is...} methods, which miss most of these.
 */
final class InternalAddresses {

    private record Range(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    static final List<String> RANGES = List.of(
            "0.0.0.0/8",          // "this" network
            "10.0.0.0/8",         // private
            "100.64.0.0/10",      // carrier-grade NAT
            "127.0.0.0/8",        // loopback
            "169.254.0.0/16",     // link-local, cloud metadata
            "172.16.0.0/12",      // private
            "192.0.0.0/24",       // IETF protocol assignments
            "192.0.2.0/24",       // documentation
            "192.88.99.0/24",     // 6to4 relay anycast
            "192.168.0.0/16",     // private
            "198.18.0.0/15",      // benchmarking
            "198.51.100.0/24",    // documentation
            "203.0.113.0/24",     // documentation
            "224.0.0.0/4",        // multicast
            "240.0.0.0/4",        // reserved and broadcast
            "::/96",              // unspecified, loopback, IPv4-compatible
            "64:ff9b::/96",       // NAT64
            "64:ff9b:1::/48",     // local-use NAT64
            "100::/64",           // discard
            "2001::/32",          // Teredo
            "2001:db8::/32",      // documentation
            "2002::/16",          // 6to4
            "fc00::/7",           // unique local
            "fe80::/10",          // link-local
            "fec0::/10",          // site-local (deprecated)
            "ff00::/8");          // multicast

    private static final List<Range> PARSED = RANGES.stream().map(InternalAddresses::parse).toList();

    private InternalAddresses() {
    }

    /** The ranges, for tests that draw addresses from each. */
    static java.util.stream.Stream<String> ranges() {
        return RANGES.stream();
    }

    static boolean isInternal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return PARSED.stream().anyMatch(range -> range.contains(bytes));
    }

    private static Range parse(String cidr) {
        String[] parts = cidr.split("/");
        try {
            // literals only: no name lookup happens here
            return new Range(InetAddress.getByName(parts[0]).getAddress(), Integer.parseInt(parts[1]));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(cidr, e);
        }
    }
}
