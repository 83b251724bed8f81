package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One parsed data-plane request: verb, raw path, decoded segments and query, headers and body. */
final class BatchRequest {
    final String method;
    final String rawPath;
    final String rawQuery;
    final List<String> segments;
    final Map<String, String> query;
    final Map<String, List<String>> headers;
    final byte[] body;
    /** Path parameters bound by the router, in order. */
    List<String> params = List.of();

    BatchRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        this.method = method;
        this.rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        this.rawQuery = rawQuery;
        this.headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        this.headers.putAll(headers);
        this.body = body;
        this.segments = new ArrayList<>();
        for (String s : this.rawPath.split("/")) {
            if (!s.isEmpty()) segments.add(decode(s, false));
        }
        this.query = parseQuery(rawQuery);
    }

    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    String param(int i) {
        return params.get(i);
    }

    String queryParam(String name) {
        return query.get(name);
    }

    ObjectNode json() {
        return Json.parseObject(body);
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(decode(k, true), decode(v, true));
        }
        return out;
    }

    static String decode(String s, boolean plusIsSpace) {
        String in = plusIsSpace ? s : s.replace("+", "%2B");
        try {
            return URLDecoder.decode(in, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
