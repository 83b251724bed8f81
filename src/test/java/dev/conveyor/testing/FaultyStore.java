package dev.conveyor.testing;

import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoreUnavailableException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real store with fault injection, as the Batch emulators inject faults: writes to keys matching
 * {@code failing} are refused as a store that is away for a moment would refuse them (503), the
 * first {@code times} times; everything else reaches the real store.
 */
public final class FaultyStore implements ObjectStore {
    private final ObjectStore real;
    private volatile Predicate<String> failing = k -> false;
    private final AtomicInteger left = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    public FaultyStore(ObjectStore real) {
        this.real = real;
    }

    public void failWrites(Predicate<String> keys, int times) {
        unchecked = false;
        left.set(times);
        failing = keys;
    }

    private volatile boolean unchecked;

    /**
     * As {@link #failWrites}, the 503 wrapped in an {@link java.io.UncheckedIOException} — how the store's bean
     * fails when it cannot start (S3's bucket check on first use) and the container rethrows it.
     */
    public void failWritesUnchecked(Predicate<String> keys, int times) {
        failWrites(keys, times);
        unchecked = true;
    }

    private volatile Predicate<String> refusing = k -> false;

    /** Every write of a matching key fails as a store that refuses it does (a 403: not transient). */
    public void refuseWrites(Predicate<String> keys) {
        refusing = keys;
    }

    public int refused() {
        return refused.get();
    }

    private final AtomicInteger lists = new AtomicInteger();

    /** How many list calls went through (a listing is what some reads are built to avoid). */
    public int lists() {
        return lists.get();
    }

    private final AtomicInteger reads = new AtomicInteger();

    /** How many reads went through ({@link #read} and {@link #get}): each one a round trip on a cloud store. */
    public int reads() {
        return reads.get();
    }

    private volatile Predicate<String> holding = k -> false;
    private volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();

    /** The next write of a matching key waits until {@code release} opens (once). */
    public void holdWrites(Predicate<String> keys, java.util.concurrent.CountDownLatch release) {
        this.release = release;
        this.holding = keys;
    }

    /** Writes that waited (or wait now) in {@link #holdWrites}. */
    public int held() {
        return held.get();
    }

    private void maybeFail(String key) throws IOException {
        if (holding.test(key)) {
            holding = k -> false;
            held.incrementAndGet();
            try {
                if (!release.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
                    throw new IOException("injected: a held write of " + key + " was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException(key);
            }
        }
        if (refusing.test(key)) {
            refused.incrementAndGet();
            throw new IOException("injected: the store refused to write " + key + " (403)");
        }
        if (failing.test(key) && left.getAndDecrement() > 0) {
            refused.incrementAndGet();
            StoreUnavailableException e = new StoreUnavailableException("injected: the store answered 503 for " + key, null, null);
            if (unchecked) {
                throw new java.io.UncheckedIOException(e);
            }
            throw e;
        }
    }

    @Override
    public String type() {
        return real.type();
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        maybeFail(key);
        real.put(key, data, length);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
        maybeFail(key);
        return real.putIfAbsent(key, data);
    }

    @Override
    public InputStream get(String key) throws IOException {
        reads.incrementAndGet();
        readRounds.add(List.of(key));
        return real.get(key);
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) throws IOException {
        reads.incrementAndGet();
        readRounds.add(List.of(key));
        return real.read(key, maxBytes);
    }

    @Override
    public List<Optional<byte[]>> readAll(List<String> keys, int maxBytes) throws IOException {
        reads.addAndGet(keys.size());
        if (!keys.isEmpty()) {
            readRounds.add(List.copyOf(keys));
        }
        return real.readAll(keys, maxBytes);
    }

    /** Each document through {@link #put(String, InputStream, long)}, as the store's own default does (each write can be refused). */
    @Override
    public void putAll(java.util.Map<String, byte[]> documents) throws IOException {
        putAlls.add(List.copyOf(documents.keySet()));
        ObjectStore.super.putAll(documents);
    }

    private final List<List<String>> putAlls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<List<String>> eaches = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Per-key calls, in turn as the store's own default runs them (each call can be refused); its keys recorded. */
    @Override
    public <T> List<T> each(List<String> keys, KeyCall<T> call) throws IOException {
        eaches.add(List.copyOf(keys));
        return ObjectStore.super.each(keys, call);
    }

    /** The keys of each {@link #each} call (a {@link #putAll} is one too): calls made together on a cloud store. */
    public List<List<String>> eaches() {
        return List.copyOf(eaches);
    }

    /** The keys of each {@link #putAll} call: documents stored together (at once on a cloud store). */
    public List<List<String>> putAlls() {
        return List.copyOf(putAlls);
    }

    private final List<List<String>> readRounds = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * The keys of each read call (reads and tails), in order: a single one is one key, {@link #readAll}
     * and {@link #tailAll} the keys they read together — each entry one round trip's wait on a cloud store.
     */
    public List<List<String>> readRounds() {
        return List.copyOf(readRounds);
    }

    public void forgetReadRounds() {
        readRounds.clear();
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        readRounds.add(List.of(key));
        return real.tail(key, maxBytes);
    }

    @Override
    public List<Optional<byte[]>> tailAll(List<String> keys, int maxBytes) throws IOException {
        if (!keys.isEmpty()) {
            readRounds.add(List.copyOf(keys));
        }
        return real.tailAll(keys, maxBytes);
    }

    private final AtomicInteger listFailures = new AtomicInteger();

    /** The next {@code times} list calls fail as a store that is away for a moment fails them (503). */
    public void failLists(int times) {
        listFailures.set(times);
    }

    @Override
    public ListPage list(String prefix, String continuation, int maxResults) throws IOException {
        if (listFailures.getAndDecrement() > 0) {
            refused.incrementAndGet();
            throw new StoreUnavailableException("injected: the store answered 503 listing " + prefix, null, null);
        }
        lists.incrementAndGet();
        return real.list(prefix, continuation, maxResults);
    }

    @Override
    public void delete(String key) throws IOException {
        real.delete(key);
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        real.deletePrefix(prefix);
    }

    @Override
    public URI uri(String key) {
        return real.uri(key);
    }

    @Override
    public SignedUrl readUrl(String key, Instant expiry) {
        return real.readUrl(key, expiry);
    }

    @Override
    public SignedUrl writeUrl(String key, Instant expiry) {
        return real.writeUrl(key, expiry);
    }

    @Override
    public Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry) {
        return real.prefixGrant(prefix, access, expiry);
    }

    @Override
    public void check() throws IOException {
        real.check();
    }
}
