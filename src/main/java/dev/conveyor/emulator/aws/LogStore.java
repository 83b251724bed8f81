package dev.conveyor.emulator.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** CloudWatch Logs as the awslogs driver fills it: one stream per job attempt in {@value #JOB_GROUP}. */
final class LogStore {

    static final String JOB_GROUP = "/aws/batch/job";

    record Event(long timestamp, String message, long ingestionTime) {
    }

    /** One log stream; events keep their order and never go back in time. */
    static final class Stream {
        private final List<Event> events = new ArrayList<>();
        private long lastTimestamp;

        synchronized void append(String message) {
            long now = Math.max(System.currentTimeMillis(), lastTimestamp);
            lastTimestamp = now;
            events.add(new Event(now, message, now));
        }

        synchronized List<Event> snapshot() {
            return List.copyOf(events);
        }
    }

    private final Map<String, Map<String, Stream>> groups = new ConcurrentHashMap<>();

    LogStore() {
        groups.put(JOB_GROUP, new ConcurrentHashMap<>());
    }

    Stream createStream(String group, String name) {
        return groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> new Stream());
    }

    boolean groupExists(String group) {
        return groups.containsKey(group);
    }

    Optional<Stream> stream(String group, String name) {
        Map<String, Stream> streams = groups.get(group);
        return streams == null ? Optional.empty() : Optional.ofNullable(streams.get(name));
    }
}
