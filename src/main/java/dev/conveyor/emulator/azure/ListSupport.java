package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** $filter, $select, maxresults and odata.nextLink paging shared by every list operation. */
final class ListSupport {
    static final int MAX_RESULTS = 1000;

    private ListSupport() {
    }

    /** Answers one page of {@code items} (already in service order) as an OData collection. */
    static BatchResponse page(BatchRequest req, String endpoint, String metadataName, List<? extends JsonNode> items) {
        Predicate<JsonNode> filter = ODataFilter.parse(req.queryParam("$filter"));
        Set<String> select = select(req.queryParam("$select"));
        int max = maxResults(req.queryParam("maxresults"));
        int skip = skipToken(req.queryParam("$skiptoken"));

        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode item : items) {
            if (filter.test(item)) matching.add(item);
        }
        ObjectNode body = Json.object();
        body.put("odata.metadata", endpoint + "/$metadata#" + metadataName);
        ArrayNode value = body.putArray("value");
        int end = Math.min(matching.size(), skip + max);
        for (int i = skip; i < end; i++) value.add(project(matching.get(i), select));
        if (end < matching.size()) {
            body.put("odata.nextLink", nextLink(req, endpoint, end));
        }
        return BatchResponse.json(200, body);
    }

    static Set<String> select(String select) {
        if (select == null || select.isBlank()) return Set.of();
        Set<String> out = new LinkedHashSet<>();
        for (String s : select.split(",")) {
            String name = s.trim();
            if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
                throw BatchException.invalidQuery("$select", select, "'" + name + "' is not a property name.");
            }
            out.add(name);
        }
        return out;
    }

    /** The entity with only the $select properties (all of them when none are selected). */
    static JsonNode project(JsonNode entity, Set<String> select) {
        if (select.isEmpty()) return entity.deepCopy();
        ObjectNode out = Json.object();
        entity.fields().forEachRemaining(e -> {
            for (String s : select) {
                if (s.equalsIgnoreCase(e.getKey())) out.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return out;
    }

    private static int maxResults(String raw) {
        if (raw == null) return MAX_RESULTS;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1 && v <= MAX_RESULTS) return v;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw BatchException.invalidQuery("maxresults", raw, "maxresults must be an integer from 1 to " + MAX_RESULTS + ".");
    }

    private static int skipToken(String raw) {
        if (raw == null) return 0;
        try {
            String[] parts = raw.split("!");
            int v = Integer.parseInt(parts[parts.length - 1]);
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw BatchException.invalidQuery("$skiptoken", raw, "The continuation token is not valid.");
    }

    private static String nextLink(BatchRequest req, String endpoint, int next) {
        StringBuilder sb = new StringBuilder(endpoint).append(req.rawPath).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : req.query.entrySet()) {
            if (e.getKey().equals("$skiptoken") || e.getKey().equals("timeout")) continue;
            if (!first) sb.append('&');
            sb.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            first = false;
        }
        if (!first) sb.append('&');
        sb.append("$skiptoken=").append(encode("emu!" + next));
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$")
                .replace("%21", "!").replace("%27", "'").replace("%2C", ",");
    }
}
