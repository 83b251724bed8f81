package dev.conveyor.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The stage outputs the broker has refused and that are still waiting to be taken — what a stage
 * that holds its input while it sends an output again ({@link EventPublisher}) cannot say otherwise:
 * its consumer is alive, the broker answers, yet the job does not move. One entry per topic and job,
 * from the first refusal until the output is taken (or its send ends otherwise); read by the
 * readiness check {@code stage-outputs} (ops).
 *
 * <p>An entry nobody refused again for {@link #STALE} is dropped when read: monitoring tries a refused
 * completion again at the job's next turn, and a job whose partition went to another instance
 * meanwhile is tried there, not here.
 */
@ApplicationScoped
public class OutputRefusals {
    /** Longer than any pause between two tries of one output (30 s between resends, a 60 s metadata wait). */
    static final Duration STALE = Duration.ofMinutes(5);

    /**
     * One output not yet taken: its topic, the job it belongs to (or, for a record on its way to the DLQ, the
     * record's position: {@code record}), when it was first and last refused, and the last reason.
     */
    public record Refusal(String topic, String jobId, Instant since, Instant last, String reason, boolean record) {
    }

    private record Key(String topic, String jobId) {
    }

    private final ConcurrentMap<Key, Refusal> open = new ConcurrentHashMap<>();
    private final Clock clock;

    @Inject
    public OutputRefusals(Clock clock) {
        this.clock = clock;
    }

    /** The broker refused the job's output to {@code topic}; it is sent again. */
    public void refused(String topic, String jobId, Throwable e) {
        refused(topic, jobId, reason(e));
    }

    /** The broker did not take the job's output to {@code topic}, for the reason given; it is sent again. */
    public void refused(String topic, String jobId, String reason) {
        refused(topic, jobId, reason, false);
    }

    /**
     * The broker did not take the record at {@code position} (topic/partition/offset) to {@code topic} — a record
     * nacked to the DLQ; it is sent again. Settled by {@link #settled} with the same position.
     */
    public void recordRefused(String topic, String position, Throwable e) {
        refused(topic, position, reason(e), true);
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void refused(String topic, String id, String reason, boolean record) {
        Instant now = clock.instant();
        open.merge(new Key(topic, id), new Refusal(topic, id, now, now, reason, record),
                (was, again) -> new Refusal(topic, id, was.since(), now, reason, record));
    }

    /** The job's output to {@code topic} was taken, or is no longer being sent. Cheap when nothing is refused. */
    public void settled(String topic, String jobId) {
        if (!open.isEmpty()) {
            open.remove(new Key(topic, jobId));
        }
    }

    /** The outputs still waiting, oldest first (stale entries dropped). */
    public List<Refusal> waiting() {
        Instant staleBefore = clock.instant().minus(STALE);
        open.values().removeIf(r -> r.last().isBefore(staleBefore));
        return open.values().stream().sorted(Comparator.comparing(Refusal::since)).toList();
    }
}
