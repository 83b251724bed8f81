package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * {@code maxResults}/{@code nextToken} paging over a list sorted by a unique key. The token carries the
 * last key returned, so items that come or go between calls do not shift the pages.
 */
final class Paging {

    record Page<T>(List<T> items, String nextToken) {
    }

    private Paging() {
    }

    static <T> Page<T> page(List<T> sortedByKey, Function<T, String> key, JsonNode request, int defaultMax, int maxMax) {
        JsonNode maxNode = request.get("maxResults");
        int max = defaultMax;
        if (maxNode != null && !maxNode.isNull()) {
            max = maxNode.asInt();
            if (max < 1 || max > maxMax) {
                throw ApiException.client("maxResults must be between 1 and " + maxMax);
            }
        }
        String after = null;
        JsonNode tokenNode = request.get("nextToken");
        if (tokenNode != null && !tokenNode.isNull() && !tokenNode.asText().isEmpty()) {
            after = decode(tokenNode.asText());
        }
        List<T> items = new ArrayList<>();
        boolean more = false;
        for (T item : sortedByKey) {
            if (after != null && key.apply(item).compareTo(after) <= 0) {
                continue;
            }
            if (items.size() == max) {
                more = true;
                break;
            }
            items.add(item);
        }
        String next = more ? encode(key.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith("v1:")) {
                return s.substring(3);
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw ApiException.client("Invalid nextToken");
    }
}
