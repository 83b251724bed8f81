package dev.conveyor.ui;

import dev.conveyor.model.events.JobStatusEvent;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the status topic said about one job, folded: its latest state, task counts, when each stage
 * first and last spoke of it, and its recent events. Mutated only under the {@link JobBoard}'s lock;
 * pages get {@link JobSummary} snapshots.
 */
final class JobRow {
    static final List<String> STAGES = List.of("submission", "staging", "dispatch", "monitoring", "collection");
    static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "REJECTED");
    static final int MAX_EVENTS = 200;

    final String id;
    String name;
    String backend;
    Map<String, String> labels = Map.of();
    boolean specLoaded;
    String state = "SEEN";
    String stage;
    String message;
    JobStatusEvent.TaskCounts counts;
    Instant firstSeen;
    Instant lastEvent;
    Instant finishedAt;
    long sequence;
    final Map<String, Instant[]> stages = new LinkedHashMap<>();
    final Deque<JobStatusEvent> events = new ArrayDeque<>();

    JobRow(String id) {
        this.id = id;
    }

    void apply(JobStatusEvent e) {
        Instant t = e.time() == null ? Instant.now() : e.time();
        if (firstSeen == null || t.isBefore(firstSeen)) {
            firstSeen = t;
        }
        if (lastEvent == null || t.isAfter(lastEvent)) {
            lastEvent = t;
        }
        Instant[] span = stages.computeIfAbsent(e.stage(), s -> new Instant[] {t, t});
        if (t.isBefore(span[0])) {
            span[0] = t;
        }
        if (t.isAfter(span[1])) {
            span[1] = t;
        }
        if (e.counts() != null) {
            counts = e.counts();
        }
        events.addLast(e);
        keepNewest(MAX_EVENTS);
        if (e.task() != null || "DUPLICATE".equals(e.state())) {
            return; // a task's news, or a refused copy of the request: the job's state stays
        }
        if (FINAL.contains(state) && !FINAL.contains(e.state())) {
            return; // a late progress event after the result does not reopen the job
        }
        state = e.state();
        stage = e.stage();
        message = e.message();
        if (FINAL.contains(e.state())) {
            finishedAt = t;
        }
    }

    /** Drops all but the newest {@code n} events; returns how many were dropped. */
    int keepNewest(int n) {
        int dropped = 0;
        while (events.size() > n) {
            events.removeFirst();
            dropped++;
        }
        return dropped;
    }

    boolean finished() {
        return FINAL.contains(state);
    }

    /** @param withEvents include the recent events (the job page), not for list rows */
    JobSummary summary(Instant now, boolean withEvents) {
        List<JobSummary.StageSpan> spans = new ArrayList<>();
        Instant start = firstSeen;
        Instant end = finishedAt != null ? finishedAt : now;
        long whole = Math.max(1, end.toEpochMilli() - start.toEpochMilli());
        // A stage holds the job from the moment the stage before it handed it on (its last event)
        // until its own last event; the first stage from its first event.
        Instant handedOn = null;
        for (String s : STAGES) {
            Instant[] span = stages.get(s);
            if (span != null) {
                Instant took = handedOn != null && handedOn.isBefore(span[1]) ? handedOn : span[0];
                long from = took.toEpochMilli() - start.toEpochMilli();
                long to = span[1].toEpochMilli() - start.toEpochMilli();
                spans.add(new JobSummary.StageSpan(s, took, span[1], to - from,
                        100.0 * from / whole, Math.max(0.8, 100.0 * (to - from) / whole)));
                handedOn = span[1];
            } else {
                spans.add(new JobSummary.StageSpan(s, null, null, 0, 0, 0));
            }
        }
        return new JobSummary(id, name == null ? id : name, backend == null ? "" : backend, Map.copyOf(labels), state,
                stage, message == null ? "" : Redaction.text(message), counts, firstSeen, finishedAt,
                Durations.between(firstSeen, now), Durations.between(firstSeen, end), spans, withEvents ? List.copyOf(events) : List.of());
    }
}
