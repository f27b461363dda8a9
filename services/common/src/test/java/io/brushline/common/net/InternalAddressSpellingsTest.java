package io.brushline.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated addresses from every refused range (its first and last address and random ones between),
 * written in every spelling a URL can carry them (dotted, one decimal/hex/octal number, octal or hex
 * parts, shortened quads, IPv4 inside IPv6 as mapped, compatible, NAT64 and 6to4; IPv6 compressed,
 * expanded and upper case): none may pass, neither as a literal in the URL nor as what a name
 * resolves to. The generator is seeded, so a failure names an address that reproduces it.
 */
class InternalAddressSpellingsTest {

    private static final int RANDOM_PER_RANGE = 100;

    static Stream<String> v4Ranges() {
        return InternalAddresses.RANGES.stream().filter(r -> r.contains("."));
    }

    static Stream<String> v6Ranges() {
        return InternalAddresses.RANGES.stream().filter(r -> r.contains(":"));
    }

    @ParameterizedTest
    @MethodSource("v4Ranges")
    void everySpellingOfAnInternalIpv4AddressIsRefused(String range) {
        assertEquals(List.of(), letThrough(v4Addresses(range).boxed().flatMap(address -> IntStream.range(0, V4_SPELLINGS)
                .mapToObj(spelling -> "http://" + spellV4(address, spelling) + ":8080/hook"))),
                "internal addresses of " + range + " that were let through");
    }

    @ParameterizedTest
    @MethodSource("v6Ranges")
    void everySpellingOfAnInternalIpv6AddressIsRefused(String range) {
        assertEquals(List.of(), letThrough(v6Addresses(range).flatMap(address -> IntStream.range(0, V6_SPELLINGS)
                .mapToObj(spelling -> "https://[" + spellV6(address, spelling) + "]/hook"))),
                "internal addresses of " + range + " that were let through");
    }

    private static List<String> letThrough(Stream<String> urls) {
        OutboundUrlPolicy policy = new OutboundUrlPolicy(List.of());
        return urls.filter(url -> !refused(policy, url)).toList();
    }

    @ParameterizedTest
    @MethodSource("io.brushline.common.net.InternalAddresses#ranges")
    void aNameThatResolvesToAnInternalAddressIsRefusedAtTheLookup(String range) throws Exception {
        InetAddress publicOne = InetAddress.getByName("8.8.8.8");
        List<byte[]> addresses = range.contains(".")
                ? v4Addresses(range).mapToObj(InternalAddressSpellingsTest::bytesV4).toList()
                : v6Addresses(range).toList();
        for (byte[] address : addresses) {
            InetAddress resolved = InetAddress.getByAddress(address);
            // one internal address among public ones is enough to refuse the name
            var policy = new OutboundUrlPolicy(List.of(), host -> new InetAddress[] {publicOne, resolved});
            assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.check("http://hooks.example.com/"),
                    resolved.getHostAddress());
            assertThrows(OutboundUrlPolicy.Refused.class, () -> policy.addresses("hooks.example.com", 80),
                    resolved.getHostAddress());
        }
    }

    @Test
    void publicAddressesPass() {
        Random random = new Random(7);
        OutboundUrlPolicy policy = new OutboundUrlPolicy(List.of());
        // a few public blocks, none inside a refused range
        for (String block : List.of("8.0.0.0", "93.0.0.0", "151.0.0.0", "185.0.0.0")) {
            for (int i = 0; i < RANDOM_PER_RANGE; i++) {
                String url = "https://" + spellV4(toLong(block) | random.nextInt(1 << 24), 0) + "/hook";
                assertEquals(false, refused(policy, url), url);
            }
        }
        for (String v6 : List.of("2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e")) {
            assertEquals(false, refused(policy, "https://[" + v6 + "]/hook"), v6);
        }
    }

    private static boolean refused(OutboundUrlPolicy policy, String url) {
        try {
            policy.check(url);
            return false;
        } catch (OutboundUrlPolicy.Refused e) {
            return true;
        }
    }

    /** The range's first and last address and random ones between, from a fixed seed. */
    private static LongStream v4Addresses(String range) {
        String[] parts = range.split("/");
        long base = toLong(parts[0]);
        long size = 1L << (32 - Integer.parseInt(parts[1]));
        Random random = new Random(range.hashCode());
        return LongStream.concat(LongStream.of(base, base + size - 1),
                LongStream.generate(() -> base + (long) (random.nextDouble() * size)).limit(RANDOM_PER_RANGE));
    }

    private static Stream<byte[]> v6Addresses(String range) {
        String[] parts = range.split("/");
        byte[] prefix = literal(parts[0]);
        int bits = Integer.parseInt(parts[1]);
        Random random = new Random(range.hashCode());
        byte[] zeros = new byte[16];
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 0xff);
        return Stream.concat(Stream.of(zeros, ones), Stream.generate(() -> {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            return bytes;
        }).limit(RANDOM_PER_RANGE)).map(rest -> {
            byte[] out = rest.clone();
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                out[bit / 8] = (byte) ((out[bit / 8] & ~mask) | (prefix[bit / 8] & mask));
            }
            return out;
        });
    }

    private static final int V4_SPELLINGS = 14;
    private static final int V6_SPELLINGS = 4;

    static String spellV4(long a, int spelling) {
        int[] p = {(int) (a >>> 24) & 0xff, (int) (a >>> 16) & 0xff, (int) (a >>> 8) & 0xff, (int) a & 0xff};
        String dotted = p[0] + "." + p[1] + "." + p[2] + "." + p[3];
        String hex32 = String.format("%08x", a);
        return switch (spelling) {
            case 0 -> dotted;
            case 1 -> Long.toString(a);                                        // one decimal number
            case 2 -> "0x" + Long.toHexString(a);                              // one hex number
            case 3 -> "0" + Long.toOctalString(a);                             // one octal number
            case 4 -> "0" + Integer.toOctalString(p[0]) + ".0" + Integer.toOctalString(p[1]) + ".0"
                    + Integer.toOctalString(p[2]) + ".0" + Integer.toOctalString(p[3]); // octal parts
            case 5 -> String.format("0x%x.0x%x.0x%x.0x%X", p[0], p[1], p[2], p[3]);   // hex parts
            case 6 -> p[0] + "." + p[1] + "." + (p[2] * 256 + p[3]);           // a.b.c16
            case 7 -> p[0] + "." + ((p[1] << 16) | (p[2] << 8) | p[3]);       // a.b24
            case 8 -> String.format("0x%x.%d.0%o.%d", p[0], p[1], p[2], p[3]);  // mixed
            case 9 -> "[::ffff:" + dotted + "]";                               // IPv4-mapped
            case 10 -> "[::FFFF:" + hex32.substring(0, 4) + ":" + hex32.substring(4) + "]";
            case 11 -> "[::" + dotted + "]";                                   // IPv4-compatible
            case 12 -> "[64:ff9b::" + dotted + "]";                            // NAT64
            case 13 -> "[2002:" + hex32.substring(0, 4) + ":" + hex32.substring(4) + "::1]"; // 6to4
            default -> throw new IllegalArgumentException("spelling " + spelling);
        };
    }

    static String spellV6(byte[] address, int spelling) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 16; i += 2) {
            groups.add(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)));
        }
        String plain = String.join(":", groups);
        return switch (spelling) {
            case 0 -> plain;
            case 1 -> String.join(":", groups.stream().map(g -> "0".repeat(4 - g.length()) + g).toList());
            case 2 -> plain.toUpperCase(Locale.ROOT);
            case 3 -> compress(groups);
            default -> throw new IllegalArgumentException("spelling " + spelling);
        };
    }

    /** The longest run of zero groups written as "::". */
    private static String compress(List<String> groups) {
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.size(); i++) {
            int j = i;
            while (j < groups.size() && groups.get(j).equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestLength < 2) {
            return String.join(":", groups);
        }
        return String.join(":", groups.subList(0, bestStart)) + "::"
                + String.join(":", groups.subList(bestStart + bestLength, groups.size()));
    }

    private static long toLong(String dotted) {
        return new BigInteger(1, literal(dotted)).longValue();
    }

    private static byte[] bytesV4(long a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    private static byte[] literal(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
