package dev.conveyor.staging;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which hosts an {@code http(s):} input source may reach. A request must not make the service
 * fetch from itself or its private network (SSRF): loopback, link-local (169.254.0.0/16 and
 * fe80::/10, where cloud metadata endpoints live), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), shared (100.64/10, which also holds a cloud metadata endpoint), unspecified, reserved
 * and multicast addresses are refused, also when an IPv6 address carries such an IPv4 address
 * (IPv4-mapped, -compatible, NAT64 64:ff9b::/96, 6to4 2002::/16). An operator allows exceptions by
 * host name (matched exactly, any address) or by CIDR ({@code conveyor.staging.allowed-http-hosts}).
 * Every address a name resolves to must be acceptable, since the client may use any of them.
 */
final class AddressPolicy {

    static final String SETTING = "conveyor.staging.allowed-http-hosts";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");

    /** An address block: {@code bits} leading bits of {@code network}. */
    record Cidr(byte[] network, int bits, String kind) {
        static Cidr parse(String text, String kind) {
            String[] parts = text.split("/", 2);
            byte[] address = literal(parts[0].strip());
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR");
            }
            int bits = parts.length == 1 ? address.length * 8 : Integer.parseInt(parts[1].strip());
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
            }
            return new Cidr(address, bits, kind);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Cidr> REFUSED = List.of(
            Cidr.parse("0.0.0.0/8", "an unspecified (\"this network\") address"),
            Cidr.parse("127.0.0.0/8", "a loopback address"),
            Cidr.parse("10.0.0.0/8", "a private address"),
            Cidr.parse("172.16.0.0/12", "a private address"),
            Cidr.parse("192.168.0.0/16", "a private address"),
            Cidr.parse("169.254.0.0/16", "a link-local address (where cloud metadata endpoints live)"),
            Cidr.parse("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
            Cidr.parse("224.0.0.0/4", "a multicast address"),
            Cidr.parse("240.0.0.0/4", "a reserved or broadcast address"),
            Cidr.parse("::/128", "an unspecified address"),
            Cidr.parse("::1/128", "a loopback address"),
            Cidr.parse("fe80::/10", "a link-local address (where cloud metadata endpoints live)"),
            Cidr.parse("fc00::/7", "a unique local (private) address"),
            Cidr.parse("ff00::/8", "a multicast address"));

    private final Set<String> allowedNames = new HashSet<>();
    private final List<Cidr> allowedBlocks = new ArrayList<>();

    /** @throws IllegalArgumentException for an entry that is neither a host name nor an address or CIDR */
    AddressPolicy(List<String> allowed) {
        for (String entry : allowed) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.contains("/") || IPV4.matcher(e).matches() || e.contains(":")) {
                try {
                    allowedBlocks.add(Cidr.parse(e.replace("[", "").replace("]", ""), "allowed"));
                } catch (RuntimeException bad) {
                    throw new IllegalArgumentException(SETTING + ": " + bad.getMessage(), bad);
                }
            } else {
                allowedNames.add(e.endsWith(".") ? e.substring(0, e.length() - 1) : e);
            }
        }
    }

    /**
     * Refuses {@code uri} unless its host is allowed or resolves only to public addresses.
     *
     * @param redirect how the source got to {@code uri} ("redirected to '…'"), or null for the source itself
     */
    void check(URI uri, String source, String redirect) throws StagingException {
        String where = redirect == null ? "" : " " + redirect + ", whose";
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new StagingException("input source '" + source + "'" + (redirect == null ? "" : " was " + redirect
                    + ", which") + " has no host");
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String name = host.toLowerCase(Locale.ROOT);
        if (allowedNames.contains(name.endsWith(".") ? name.substring(0, name.length() - 1) : name)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new StagingException("input source '" + source + "'" + (redirect == null ? "" : " was " + redirect
                    + ", but") + " host '" + host + "' cannot be resolved", e);
        }
        for (InetAddress address : addresses) {
            String kind = refusal(address.getAddress());
            if (kind != null && allowedBlocks.stream().noneMatch(b -> b.contains(address.getAddress()))) {
                throw new StagingException("input source '" + source + "' is refused:" + (redirect == null ? "" : " it was"
                        + where) + " host '" + host + "' resolves to " + address.getHostAddress() + ", " + kind
                        + ", which input sources may not reach (allow it with " + SETTING + ")");
            }
        }
    }

    /** What makes {@code address} internal, or null for a public address. */
    static String refusal(byte[] address) {
        for (Cidr block : REFUSED) {
            if (block.contains(address)) {
                return block.kind();
            }
        }
        byte[] embedded = embeddedIpv4(address);
        return embedded == null ? null : refusal(embedded);
    }

    /** The IPv4 address inside an IPv4-mapped/-compatible, NAT64 or 6to4 IPv6 address. */
    private static byte[] embeddedIpv4(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        boolean zeros80 = Arrays.equals(Arrays.copyOf(a, 10), new byte[10]);
        boolean mapped = zeros80 && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff) || (a[10] == 0 && a[11] == 0));
        boolean nat64 = a[0] == 0x00 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b
                && Arrays.equals(Arrays.copyOfRange(a, 4, 12), new byte[8]);
        if (mapped || nat64) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return Arrays.copyOfRange(a, 2, 6);
        }
        return null;
    }

    /** The bytes of an IP literal, without any DNS lookup; null when {@code text} is not one. */
    private static byte[] literal(String text) {
        if (!IPV4.matcher(text).matches() && !text.contains(":")) {
            return null;
        }
        try {
            // a literal is parsed, never looked up
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
