package dev.conveyor.staging;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code http(s):} input sources. Every hop is checked by {@link AddressPolicy} before it is
 * requested: the client never follows redirects by itself (it would follow one to a loopback or
 * metadata address unchecked); at most {@value #MAX_REDIRECTS} redirects are followed, to
 * {@code http(s):} only.
 *
 * <p>DNS rebinding: java.net.http (JDK 17) cannot be told to connect to the address we checked for
 * a host name without giving up TLS host verification, so it resolves the name again. That second
 * lookup is answered from the JVM's DNS cache, which the check's lookup has just filled
 * ({@code networkaddress.cache.ttl}, 30 s by default), so it gets the addresses that were checked.
 * A window remains only when the operator turned that cache off (ttl 0) and a hostile DNS server
 * answers the two lookups differently: the service then says so in a warning when it starts.
 */
final class HttpSources {
    private static final Logger LOG = Logger.getLogger(HttpSources.class);

    static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final AddressPolicy policy;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    /** How long the response may take to start, and each read of its body to get data. */
    private final Duration readTimeout;

    HttpSources(AddressPolicy policy, Duration readTimeout) {
        this.policy = policy;
        this.readTimeout = readTimeout;
        if (dnsCacheOff(java.security.Security.getProperty("networkaddress.cache.ttl"), System.getProperty("sun.net.inetaddr.ttl"))) {
            LOG.warn("the JVM's DNS cache is off (networkaddress.cache.ttl or sun.net.inetaddr.ttl is 0): an http(s) input"
                    + " source's host name is looked up again for the download after its address was checked, so a hostile"
                    + " DNS server could answer the second lookup with an internal address (DNS rebinding); set the ttl to"
                    + " 30 seconds or more");
        }
    }

    /**
     * Whether the JVM caches no successful lookup: the security property {@code networkaddress.cache.ttl}
     * decides, else the system property {@code sun.net.inetaddr.ttl} (as {@code java.net.InetAddress}
     * reads them); 0 means off, a negative value forever, an absent or unreadable one the default (30 s).
     */
    static boolean dnsCacheOff(String securityTtl, String systemTtl) {
        Integer ttl = number(securityTtl, false);
        if (ttl == null) {
            ttl = number(systemTtl, true);
        }
        return ttl != null && ttl == 0;
    }

    private static Integer number(String value, boolean decode) {
        try {
            return value == null ? null : decode ? Integer.decode(value) : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    InputStream open(URI uri, String source) throws StagingException {
        URI current = uri;
        String redirect = null;
        for (int hop = 0; ; hop++) {
            policy.check(current, source, redirect);
            HttpResponse<InputStream> response = get(current, source);
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new IdleTimeoutStream(response.body(), readTimeout, source);
            }
            close(response);
            if (!REDIRECTS.contains(status)) {
                throw new StagingException("input source '" + source + "' answered HTTP " + status
                        + (hop == 0 ? "" : " (after " + hop + " redirects, at '" + current + "')"), null,
                        status / 100 == 5 || status == 429 || status == 408); // those may pass: tried again
            }
            Optional<String> location = response.headers().firstValue("location");
            if (location.isEmpty()) {
                throw new StagingException("input source '" + source + "' answered HTTP " + status + " without a Location");
            }
            if (hop == MAX_REDIRECTS) {
                throw new StagingException("input source '" + source + "' was redirected more than " + MAX_REDIRECTS + " times");
            }
            current = next(current, location.get(), source);
            redirect = "redirected to '" + current + "'";
        }
    }

    private static URI next(URI current, String location, String source) throws StagingException {
        URI next;
        try {
            next = current.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new StagingException("input source '" + source + "' was redirected to an invalid URI '" + location + "'");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new StagingException("input source '" + source + "' was redirected to '" + next
                    + "'; only http and https redirects are followed");
        }
        return next;
    }

    private HttpResponse<InputStream> get(URI uri, String source) throws StagingException {
        try {
            return http.send(HttpRequest.newBuilder(uri).GET().timeout(readTimeout).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) { // unreachable, reset, timed out: may pass, tried again
            throw new StagingException(cannotDownload(uri, source, e), e, true);
        } catch (IllegalArgumentException e) {
            throw new StagingException(cannotDownload(uri, source, e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("interrupted while downloading '" + source + "'", e);
        }
    }

    private static String cannotDownload(URI uri, String source, Exception e) {
        return "cannot download input source '" + source + "'"
                + (uri.toString().equals(source) ? "" : " (at '" + uri + "')") + ": " + e.getMessage();
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the response is abandoned either way
        }
    }
}
