package dev.conveyor.emulator.aws;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as received.
 *
 * @param rawPath path exactly as sent (still percent-encoded)
 * @param rawQuery query exactly as sent, or null
 * @param headers header names in lower case, values in the order received
 */
record ApiRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
