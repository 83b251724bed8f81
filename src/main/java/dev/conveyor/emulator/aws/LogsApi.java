package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudWatch Logs GetLogEvents over the job log streams. Tokens are {@code f/<position>/s} (forward) and
 * {@code b/<position>/s} (backward); at the end of a stream the forward token comes back unchanged, as AWS does.
 */
final class LogsApi {

    static final int MAX_LIMIT = 10_000;
    private static final Pattern TOKEN = Pattern.compile("([fb])/(\\d{1,56})/s");

    private final ObjectMapper json;
    private final LogStore logs;
    private final Arns arns;

    LogsApi(ObjectMapper json, LogStore logs, Arns arns) {
        this.json = json;
        this.logs = logs;
        this.arns = arns;
    }

    void register(Router router) {
        router.logs("GetLogEvents", this::getLogEvents);
    }

    JsonNode getLogEvents(ObjectNode request) {
        String group = group(request);
        String streamName = Requests.text(request, "logStreamName");
        if (streamName == null) {
            throw invalid("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        if (!logs.groupExists(group)) {
            throw notFound("The specified log group does not exist.");
        }
        LogStore.Stream stream = logs.stream(group, streamName)
                .orElseThrow(() -> notFound("The specified log stream does not exist."));
        int limit = MAX_LIMIT;
        if (Requests.has(request, "limit")) {
            limit = request.get("limit").asInt();
            if (limit < 1 || limit > MAX_LIMIT) {
                throw invalid("1 validation error detected: Value '" + limit
                        + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000");
            }
        }
        long start = request.path("startTime").asLong(Long.MIN_VALUE);
        long end = request.has("endTime") ? request.get("endTime").asLong() : Long.MAX_VALUE;
        List<LogStore.Event> events = new ArrayList<>();
        for (LogStore.Event e : stream.snapshot()) {
            if (e.timestamp() >= start && e.timestamp() < end) {
                events.add(e);
            }
        }

        boolean forward;
        int position;
        String token = Requests.text(request, "nextToken");
        if (token != null) {
            Matcher m = TOKEN.matcher(token);
            if (!m.matches()) {
                throw invalid("The specified nextToken is invalid.");
            }
            forward = m.group(1).equals("f");
            position = (int) Math.min(Long.parseLong(m.group(2)), events.size());
        } else {
            forward = request.path("startFromHead").asBoolean(false);
            position = forward ? 0 : events.size();
        }
        int from = forward ? position : Math.max(0, position - limit);
        int to = forward ? Math.min(events.size(), position + limit) : position;

        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("events");
        for (LogStore.Event e : events.subList(from, to)) {
            list.addObject().put("timestamp", e.timestamp()).put("message", e.message()).put("ingestionTime", e.ingestionTime());
        }
        response.put("nextForwardToken", token("f", to));
        response.put("nextBackwardToken", token("b", from));
        return response;
    }

    private String group(ObjectNode request) {
        String name = Requests.text(request, "logGroupName");
        String identifier = Requests.text(request, "logGroupIdentifier");
        if (name != null && identifier != null) {
            throw invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }
        if (identifier != null) {
            String prefix = arns.logGroup("");
            if (identifier.startsWith(prefix)) {
                String rest = identifier.substring(prefix.length());
                return rest.endsWith(":*") ? rest.substring(0, rest.length() - 2) : rest;
            }
            return identifier;
        }
        if (name == null) {
            throw invalid("Either logGroupName or logGroupIdentifier must be specified");
        }
        return name;
    }

    private static String token(String direction, int position) {
        return direction + "/" + String.format("%056d", position) + "/s";
    }

    private static ApiException notFound(String message) {
        return new ApiException(400, "ResourceNotFoundException", message);
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "InvalidParameterException", message);
    }
}
