package dev.conveyor.engine;

import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredObject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Persists run states in the object store, one object per version
 * ({@code jobs/<id>/run/<version>.json}), each written with create-if-absent. That makes every save
 * a fence: two instances that both believe they drive a job (a rebalance in progress, a paused
 * process) cannot both save version n+1 — the second learns it lost ({@link RunConflictException})
 * and stops, so no attempt is ever submitted twice. Old versions are emptied as new ones land (their
 * keys stay taken: that is what fences a stale owner).
 */
public final class RunStore {
    private static final Logger LOG = Logger.getLogger(RunStore.class);
    private static final int KEEP = 3;
    private final ObjectStore store;

    public RunStore(ObjectStore store) {
        this.store = store;
    }

    /** Another instance saved this version first: this one no longer drives the job. */
    public static final class RunConflictException extends RuntimeException {
        public RunConflictException(String jobId, long version) {
            super("run state " + version + " of job " + jobId + " was saved by another instance");
        }
    }

    /** At most this many bytes in one saved run state. */
    public static final int MAX_BYTES = ObjectStore.MAX_DOCUMENT_BYTES * 4;

    /**
     * The latest saved state of the job, starting from a version an event named ({@code known},
     * the one saved before the event was published): that version and the absence of the next one
     * are two reads — made at once, one round trip's wait on a cloud store — where finding the
     * latest is a listing of every version. When the next one exists (the job moved on) or
     * {@code known} is null, it lists.
     */
    public Optional<RunState> latest(String jobId, Long known) throws IOException {
        List<String> keys = keysFrom(jobId, known);
        return latest(jobId, known, keys.isEmpty() ? List.of() : store.readAll(keys, MAX_BYTES));
    }

    /**
     * What {@link #latest(String, Long)} reads first, for a caller that reads them together with
     * documents of its own (one round trip's wait for all): version {@code known} and version
     * {@code known} + 1; for {@code known} 0 (an event from before the job's first run state: nothing
     * saved) version 1 only; none when {@code known} is unknown.
     */
    public static List<String> keysFrom(String jobId, Long known) {
        if (known == null || known < 0) {
            return List.of();
        }
        return known == 0 ? List.of(JobKeys.runState(jobId, 1))
                : List.of(JobKeys.runState(jobId, known), JobKeys.runState(jobId, known + 1));
    }

    /**
     * {@link #latest(String, Long)} given what was read at {@link #keysFrom} (in that order, with at most
     * {@link #MAX_BYTES} each); lists the versions when that does not settle it.
     */
    public Optional<RunState> latest(String jobId, Long known, List<Optional<byte[]>> read) throws IOException {
        if (read.size() == 1 && known != null && known == 0 && read.get(0).isEmpty()) {
            return Optional.empty(); // versions are saved in order and never deleted: no version 1, no run state
        }
        if (read.size() == 2 && known != null) {
            Optional<byte[]> at = read.get(0);
            if (at.isPresent() && at.get().length > 0 && read.get(1).isEmpty()) {
                RunState s = Json.MAPPER.readValue(at.get(), RunState.class);
                if (s.version == known) {
                    return Optional.of(s);
                }
            }
        }
        return latest(jobId);
    }

    /** The latest saved state of the job, or empty when it was never dispatched. */
    public Optional<RunState> latest(String jobId) throws IOException {
        String prefix = JobKeys.runStates(jobId);
        StoredObject last = null;
        String next = null;
        do {
            ListPage page = store.list(prefix, next, 1000);
            List<StoredObject> objects = page.objects();
            if (!objects.isEmpty()) {
                last = objects.get(objects.size() - 1);
            }
            next = page.continuation();
        } while (next != null);
        if (last == null) {
            return Optional.empty();
        }
        Optional<byte[]> bytes = store.read(last.key(), MAX_BYTES);
        if (bytes.isEmpty() || bytes.get().length == 0) { // superseded between list and read: a newer one exists
            return latest(jobId);
        }
        return Optional.of(Json.MAPPER.readValue(bytes.get(), RunState.class));
    }

    /** Saves {@code s} as its next version; throws {@link RunConflictException} if that version exists. */
    public void save(RunState s) throws IOException {
        long next = s.version + 1;
        s.version = next;
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(s);
        } finally {
            s.version = next - 1;
        }
        String key = JobKeys.runState(s.jobId, next);
        boolean saved;
        if (next > KEEP) {
            // The version KEEP back is emptied, not deleted: the key must stay taken, or a stale owner could
            // save it again. Emptied together with the save (one round trip's wait on a cloud store): whoever
            // wins version next, that one is no one's latest. Best effort: a version left full costs only space.
            String old = JobKeys.runState(s.jobId, next - KEEP);
            saved = store.each(List.of(key, old), k -> {
                if (k.equals(key)) {
                    return store.putIfAbsent(k, bytes);
                }
                try {
                    store.put(k, new byte[0]);
                } catch (IOException e) {
                    LOG.warnf("run state %s not emptied (it only takes space): %s", k, e.getMessage());
                }
                return Boolean.TRUE;
            }).get(0);
        } else {
            saved = store.putIfAbsent(key, bytes);
        }
        if (!saved) {
            throw new RunConflictException(s.jobId, next);
        }
        s.version = next;
    }
}
