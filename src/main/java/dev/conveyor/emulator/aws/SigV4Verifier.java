package dev.conveyor.emulator.aws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 ...}) the way AWS does:
 * canonical request, string to sign, HMAC-SHA256 key derivation, and a five-minute clock window.
 * Failures are 403s with the error types AWS sends (the SDKs surface them as the service's exception).
 */
final class SigV4Verifier {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request\\s*,\\s*"
                    + "SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final Clock clock;

    SigV4Verifier(String accessKeyId, String secretAccessKey, String region, Clock clock) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
        this.clock = clock;
    }

    /** Returns normally when the request is signed by the emulator's key for {@code service}; throws a 403 otherwise. */
    void verify(ApiRequest request, String service) {
        String authorization = request.header("authorization");
        if (authorization == null) {
            throw new ApiException(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            throw new ApiException(403, "IncompleteSignatureException",
                    "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        String keyId = m.group(1);
        String date = m.group(2);
        String scopeRegion = m.group(3);
        String scopeService = m.group(4);
        List<String> signedHeaders = List.of(m.group(5).split(";"));
        String signature = m.group(6);

        if (!accessKeyId.equals(keyId)) {
            throw new ApiException(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!scopeService.equals(service)) {
            throw invalid("Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!scopeRegion.equals(region)) {
            throw invalid("Credential should be scoped to a valid region. ");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null || !signedHeaders.contains("host")) {
            throw invalid("The request signature must include the host header and an X-Amz-Date header.");
        }
        checkTime(amzDate, date);

        String canonical = canonicalRequest(request, signedHeaders);
        String scope = date + "/" + scopeRegion + "/" + scopeService + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(date, scopeRegion, scopeService);
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
    }

    private void checkTime(String amzDate, String scopeDate) {
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw invalid("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'.");
        }
        if (!amzDate.startsWith(scopeDate)) {
            throw invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scopeDate + "' != '" + amzDate.substring(0, 8) + "'");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(SKEW))) {
            throw invalid("Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(SKEW))) {
            throw invalid("Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(SKEW)) + " (" + AMZ_DATE.format(now) + " + 5 min.)");
        }
    }

    private static String canonicalRequest(ApiRequest request, List<String> signedHeaders) {
        StringBuilder sb = new StringBuilder();
        sb.append(request.method()).append('\n');
        sb.append(canonicalPath(request.rawPath())).append('\n');
        sb.append(canonicalQuery(request.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            List<String> values = request.headers().get(name);
            List<String> trimmed = new ArrayList<>();
            if (values != null) {
                for (String v : values) {
                    trimmed.add(v.trim().replaceAll(" +", " "));
                }
            }
            sb.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        sb.append('\n').append(String.join(";", signedHeaders)).append('\n');
        String payloadHash = request.header("x-amz-content-sha256");
        sb.append(payloadHash != null ? payloadHash : hex(sha256(request.body())));
        return sb.toString();
    }

    /** AWS services other than S3 encode the already-encoded path once more. */
    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return uriEncode(rawPath, false);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {uriEncode(decode(k), true), uriEncode(decode(v), true)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> joined = new ArrayList<>();
        for (String[] p : pairs) {
            joined.add(p[0] + "=" + p[1]);
        }
        return String.join("&", joined);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private byte[] signingKey(String date, String scopeRegion, String scopeService) {
        byte[] k = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, scopeRegion);
        k = hmac(k, scopeService);
        return hmac(k, "aws4_request");
    }

    private static ApiException invalid(String message) {
        return new ApiException(403, "InvalidSignatureException", message);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
