package dev.conveyor.emulator.azure;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies {@code Authorization: SharedKey account:signature} the way the Batch service does: HMAC-SHA256 with the
 * account key over VERB, the eleven standard headers, the canonicalized {@code ocp-*} headers and the canonicalized
 * resource. Query parameters are canonicalized both as documented (decoded once) and as the Java SDK 11.x builds
 * them (decoded twice); a signature matching either is accepted.
 */
final class SharedKeyAuthenticator {
    private static final String[] STANDARD_HEADERS = {"Content-Encoding", "Content-Language", null, "Content-MD5",
            "Content-Type", "Date", "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range"};
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    private final String accountName;
    private final byte[] key;
    private final String bearerToken;

    SharedKeyAuthenticator(String accountName, String base64Key, String bearerToken) {
        this.accountName = accountName;
        this.key = Base64.getDecoder().decode(base64Key);
        this.bearerToken = bearerToken;
    }

    void authenticate(BatchRequest req) {
        String auth = req.header("Authorization");
        if (auth == null || auth.isBlank()) {
            throw failed("The request does not contain an Authorization header.");
        }
        if (auth.startsWith("Bearer ")) {
            if (bearerToken != null && MessageDigest.isEqual(bearerToken.getBytes(StandardCharsets.UTF_8),
                    auth.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
                return;
            }
            throw failed("The bearer token is not valid for this account.");
        }
        if (!auth.startsWith("SharedKey ")) {
            throw failed("The authentication scheme of the Authorization header is not supported.");
        }
        String credential = auth.substring("SharedKey ".length()).trim();
        int colon = credential.lastIndexOf(':');
        if (colon < 0) throw failed("The Authorization header is not of the form SharedKey account:signature.");
        String account = credential.substring(0, colon);
        String signature = credential.substring(colon + 1);
        if (!account.equalsIgnoreCase(accountName)) {
            throw failed("The account " + account + " in the Authorization header does not match this account.");
        }
        checkDate(req);
        String first = null;
        for (String candidate : stringsToSign(req)) {
            if (first == null) first = candidate;
            if (MessageDigest.isEqual(sign(candidate).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII))) {
                return;
            }
        }
        throw failed("The MAC signature found in the HTTP request '" + signature + "' is not the same as any computed "
                + "signature. Server used following string to sign: '" + first + "'.");
    }

    private void checkDate(BatchRequest req) {
        String date = req.header("ocp-date");
        if (date == null) date = req.header("Date");
        if (date == null) throw failed("Request date header not specified");
        try {
            Instant when = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (Duration.between(when, Instant.now()).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
                throw failed("Request date header too old: '" + date + "'");
            }
        } catch (DateTimeParseException e) {
            throw new BatchException(400, "InvalidHeaderValue",
                    "The value for one of the HTTP headers is not in the correct format.",
                    Map.of("HeaderName", "ocp-date", "HeaderValue", date));
        }
    }

    /** The candidate strings to sign, the documented form first. */
    Set<String> stringsToSign(BatchRequest req) {
        List<String> lengths = new ArrayList<>();
        if (req.body.length > 0) {
            lengths.add(Integer.toString(req.body.length));
        } else {
            lengths.add("");
            lengths.add("0");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String queryForm : List.of(documentedQuery(req.rawQuery), sdkQuery(req.rawQuery))) {
            for (String length : lengths) {
                out.add(headerPart(req, length) + canonicalOcpHeaders(req) + "/" + accountName.toLowerCase(Locale.ROOT)
                        + "/" + req.rawPath.replaceAll("^/+", "") + queryForm);
            }
        }
        return out;
    }

    private static String headerPart(BatchRequest req, String contentLength) {
        StringBuilder sb = new StringBuilder(req.method).append('\n');
        for (String h : STANDARD_HEADERS) {
            String v = h == null ? contentLength : req.header(h);
            sb.append(v == null ? "" : v).append('\n');
        }
        return sb.toString();
    }

    private static String canonicalOcpHeaders(BatchRequest req) {
        TreeMap<String, String> ocp = new TreeMap<>();
        req.headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ocp-") && !values.isEmpty()) {
                String v = values.get(values.size() - 1).replace('\n', ' ').replace('\r', ' ').replaceAll("^[ ]+", "");
                ocp.put(lower, v);
            }
        });
        StringBuilder sb = new StringBuilder();
        ocp.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        return sb.toString();
    }

    /** Names lowercased, names and values decoded once, sorted by name; repeated names joined with commas. */
    private static String documentedQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = BatchRequest.decode(eq < 0 ? pair : pair.substring(0, eq), true).toLowerCase(Locale.US);
            String value = eq < 0 ? "" : BatchRequest.decode(pair.substring(eq + 1), true);
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            List<String> sorted = new ArrayList<>(v);
            sorted.sort(null);
            sb.append('\n').append(k).append(':').append(String.join(",", sorted));
        });
        return sb.toString();
    }

    /** The Java SDK's form: OkHttp's decoded query, split on '&' again, each part URL-decoded once more. */
    private static String sdkQuery(String rawQuery) {
        if (rawQuery == null) return "";
        List<String> decodedPairs = new ArrayList<>();
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                decodedPairs.add(BatchRequest.decode(pair, true));
            } else {
                decodedPairs.add(BatchRequest.decode(pair.substring(0, eq), true) + "="
                        + BatchRequest.decode(pair.substring(eq + 1), true));
            }
        }
        TreeMap<String, String> params = new TreeMap<>();
        for (String piece : String.join("&", decodedPairs).split("&")) {
            int eq = piece.indexOf('=');
            if (eq < 0) continue;
            try {
                String name = URLDecoder.decode(piece.substring(0, eq), StandardCharsets.UTF_8).toLowerCase(Locale.US);
                params.put(name, name + ":" + URLDecoder.decode(piece.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return "\u0000unsignable";
            }
        }
        StringBuilder sb = new StringBuilder();
        params.values().forEach(v -> sb.append('\n').append(v));
        return sb.toString();
    }

    String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private BatchException failed(String detail) {
        String message = "Server failed to authenticate the request. Make sure the value of Authorization header is "
                + "formed correctly including the signature.\nRequestId:" + java.util.UUID.randomUUID()
                + "\nTime:" + Json.now();
        return new BatchException(403, "AuthenticationFailed", message, Map.of("AuthenticationErrorDetail", detail));
    }
}
