package dev.conveyor.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The normalised job specs, stored once at submission ({@code jobs/<id>/spec.json}) and read back
 * by each later stage from the claim check its event carries (key + SHA-256). One bounded cache
 * per process, weighed by task count and addressed by the spec's hash (so any store and any stage
 * may share it), spares the read and the parse when the stages share a process; a spec found
 * there is the very object the other stages hold, not a copy.
 */
public final class JobSpecs {
    /** A stored spec: where, and the SHA-256 of its bytes. */
    public record Ref(String key, String hash) {
    }

    private final ObjectStore store;
    /** At most this many tasks' specs stay cached (the jobs being watched hold their own on top). */
    static final long CACHED_TASKS = 50_000;
    private static final Cache<String, JobSpec> CACHE = Caffeine.newBuilder()
            .maximumWeight(CACHED_TASKS)
            .weigher((String hash, JobSpec spec) -> 1 + spec.tasks().size())
            .build();
    private final Cache<String, JobSpec> cache = CACHE;

    public JobSpecs(ObjectStore store) {
        this.store = store;
    }

    public Ref save(JobSpec spec) throws IOException {
        return save(prepare(spec));
    }

    /** A spec serialised for storing: its bytes, where they go and their hash. */
    public record Prepared(JobSpec spec, byte[] bytes, Ref ref) {
    }

    public Prepared prepare(JobSpec spec) {
        byte[] bytes = Json.bytes(spec);
        return new Prepared(spec, bytes, new Ref(JobKeys.spec(spec.id()), sha256(bytes)));
    }

    /** Stores the spec (over whatever is there). */
    public Ref save(Prepared spec) throws IOException {
        store.put(spec.ref().key(), spec.bytes());
        return stored(spec);
    }

    /** Stores the spec unless its key holds one already; whether it did. */
    public boolean saveIfAbsent(Prepared spec) throws IOException {
        if (!store.putIfAbsent(spec.ref().key(), spec.bytes())) {
            return false;
        }
        stored(spec);
        return true;
    }

    /** What to publish for a spec that is stored. */
    private Ref stored(Prepared spec) {
        cache.put(spec.ref().hash(), spec.spec());
        return spec.ref();
    }

    /** The spec at {@code key}; its bytes must hash to {@code hash} (a spec changed under a job is an error). */
    public JobSpec load(String key, String hash) throws IOException {
        JobSpec cached = hash == null ? null : cache.getIfPresent(hash);
        if (cached != null) {
            return cached;
        }
        Optional<byte[]> bytes = store.read(key, 256 * 1024 * 1024);
        if (bytes.isEmpty()) {
            throw new NoSuchFileException(key, null, "the job's spec is not in the object store");
        }
        String actual = sha256(bytes.get());
        if (hash != null && !hash.equals(actual)) {
            throw new IOException("the spec at " + key + " does not match its claim check (sha256 " + actual + ", expected " + hash + ")");
        }
        JobSpec spec = Json.read(bytes.get(), JobSpec.class);
        cache.put(actual, spec);
        return spec;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
