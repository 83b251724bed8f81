package dev.conveyor.messaging;

import dev.conveyor.retry.CallPolicy;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Records a stage could not handle because the object store (or, in monitoring, a backend) stayed away beyond the
 * stage's retry policy. Giving up would lose something for a store that is only down for a while: a request sent
 * to the DLQ has no result, a job failed in staging or dispatch gets its FAILED result only once the store is back
 * anyway (collection writes every result there first), and a running job failed in monitoring ends work the
 * backend is doing. Such a record is held instead (neither acknowledged nor failed; the other records of its partition go on, and its
 * offset is not committed past, so a crash hands it to the next owner) and handled again after a pause, for
 * as long as the trouble lasts. A failure that will not pass is not held: the stage fails it as before. A
 * record whose partition leaves this instance is let go: its new owner gets it again.
 */
public final class HeldRecords {
    private static final Logger LOG = Logger.getLogger(HeldRecords.class);

    private final String stage;
    private final ScheduledExecutorService scheduler;
    private final Duration pause;
    /** Each held record, by what it is about. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** When {@link #answered} last handed the store's held records back (nanoTime): at most once a second. */
    private final java.util.concurrent.atomic.AtomicLong lastWake =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - 2_000_000_000L);

    /**
     * @param token     what the stage acknowledges once the record is handled
     * @param storeAway held for the store (handed back as soon as the store answers the stage again), not for a source
     */
    private record Held(Object token, Supplier<Uni<Void>> again, boolean storeAway) {
    }

    /**
     * Where held records wait for their next turn, for every stage of the process: a turn only hands the record
     * back to its stage's executor, so one daemon thread serves them all.
     */
    private static final ScheduledExecutorService SHARED = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "conveyor-held-records");
        t.setDaemon(true);
        return t;
    });

    /** Every stage's held records in this process (weakly: a stage's beans may go, as in tests), for {@link #letGoOf}. */
    private static final java.util.Set<HeldRecords> ALL =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /** Held records of {@code stage}, handled again every {@code pause}; let go of when their partition leaves. */
    public static HeldRecords of(String stage, Duration pause) {
        HeldRecords h = new HeldRecords(stage, SHARED, pause);
        ALL.add(h);
        return h;
    }

    /**
     * The partitions left this instance: every stage lets go of the records it held from them (their new owner gets them
     * again from the committed offset; handed back here too, they would be handled twice). {@link HeldRecordsRebalance}
     * calls it for the channels of submission, staging and dispatch; monitoring calls {@link #letGo} itself.
     */
    public static void letGoOf(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        java.util.List<HeldRecords> all;
        synchronized (ALL) {
            all = java.util.List.copyOf(ALL);
        }
        Predicate<Object> leaving = onPartitions(partitions);
        all.forEach(h -> {
            int before = h.size();
            h.letGo(leaving);
            if (h.size() < before) {
                LOG.infof("%s: %d held record(s) let go: partitions %s went to another instance", h.stage,
                        before - h.size(), partitions);
            }
        });
    }

    /** Whether a held token is a record of one of {@code partitions}. */
    public static Predicate<Object> onPartitions(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        return token -> token instanceof org.eclipse.microprofile.reactive.messaging.Message<?> m
                && m.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                .map(md -> partitions.contains(new org.apache.kafka.common.TopicPartition(md.getTopic(), md.getPartition())))
                .orElse(false);
    }

    public HeldRecords(String stage, ScheduledExecutorService scheduler, Duration pause) {
        this.stage = stage;
        this.scheduler = scheduler;
        this.pause = pause;
    }

    /** A failure that says how long its record should wait before it is handled again (else the pause of the stage). */
    public interface Pause {
        Duration pause();
    }

    /** How a held record is named (its key here, and in the log): its job and where it stands — one job may have two held. */
    public static String name(String jobId, org.eclipse.microprofile.reactive.messaging.Message<?> record) {
        return "job " + jobId + " (" + RecordSource.of(record) + ")";
    }

    /** Whether the failure of a guarded call may pass (the store or the backend away, throttling). */
    public static boolean mayPass(Throwable failure) {
        return CallPolicy.isTransient(CallPolicy.failureOf(failure)) || CallPolicy.storeAway(failure);
    }

    /**
     * When {@code failure} {@linkplain #mayPass may pass}, holds {@code token} under {@code id} (naming the record:
     * two records of one job may be held at once, each is handed back), subscribes to {@code again} (the record
     * handed back to its stage) after the pause — unless the record was let go meanwhile — and returns true;
     * otherwise returns false and the caller fails the record as it would have.
     */
    public boolean holdIfItMayPass(String id, Object token, Throwable failure, Supplier<Uni<Void>> again) {
        if (!mayPass(failure)) {
            return false;
        }
        Held h = new Held(token, again, CallPolicy.storeAway(failure));
        held.put(id, h);
        StageHandler.observer().record(stage, StageObserver.Outcome.HELD);
        Duration wait = failure instanceof Pause p ? p.pause() : pause;
        LOG.warnf("%s: %s cannot be handled yet (%s): its record is held and handled again in %s%s",
                stage, id, failure.getMessage(), spoken(wait),
                h.storeAway() ? ", or as soon as the store answers this stage again" : "");
        try {
            scheduler.schedule(() -> handBack(id, h), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // shutting down: the record, never acknowledged, comes to the next owner
            held.remove(id, h);
        }
        return true;
    }

    /** A pause as the logs and status events say it: 300 ms, 30 s, 30 min. */
    public static String spoken(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : ms % 60_000 != 0 || ms < 120_000 ? ms / 1000 + " s" : ms / 60_000 + " min";
    }

    private void handBack(String id, Held h) {
        if (held.remove(id, h)) { // once: by its timer or by answered(), whichever comes first
            h.again().get().subscribe().with(ok -> { }, e -> LOG.errorf(e, "%s: handling %s again failed", stage, id));
        }
    }

    /**
     * The stage just handled a record, so the store answers it again: the records held for the store are handed back
     * now rather than at the end of their pause (at most once a second; a record held for its input source keeps its
     * own pace). Cheap when nothing is held — the stages call it after every record.
     */
    public void answered() {
        if (held.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        long last = lastWake.get();
        if (now - last < 1_000_000_000L || !lastWake.compareAndSet(last, now)) {
            return;
        }
        held.forEach((id, h) -> {
            if (h.storeAway()) {
                try {
                    scheduler.execute(() -> handBack(id, h));
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }
        });
    }

    /** Lets go of the held records {@code leaving} matches (their partitions went to another instance). */
    public void letGo(Predicate<Object> leaving) {
        held.values().removeIf(h -> leaving.test(h.token()));
    }

    public int size() {
        return held.size();
    }
}
