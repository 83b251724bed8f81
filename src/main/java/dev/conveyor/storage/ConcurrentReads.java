package dev.conveyor.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link ObjectStore#readAll} and {@link ObjectStore#tailAll} for the stores across a network (S3, Blob): the first key is read on
 * the calling thread, the others at the same time on a small shared pool, so a caller waits about
 * one round trip for all of them. When the pool is busy a read runs on the caller instead (never
 * queued behind other callers' reads, never refused); its threads end after 30 s without work.
 */
public final class ConcurrentReads {
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "conveyor-store-read");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    private ConcurrentReads() {
    }

    public static List<Optional<byte[]>> readAll(ObjectStore store, List<String> keys, int maxBytes) throws IOException {
        return each(keys, key -> store.read(key, maxBytes));
    }

    public static List<Optional<byte[]>> tailAll(ObjectStore store, List<String> keys, int maxBytes) throws IOException {
        return each(keys, key -> tailOrEmpty(store, key, maxBytes));
    }

    /** {@link ObjectStore#tail}, empty when the object is absent. */
    static Optional<byte[]> tailOrEmpty(ObjectStore store, String key, int maxBytes) throws IOException {
        try {
            return Optional.of(store.tail(key, maxBytes));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private interface Read {
        Optional<byte[]> of(String key) throws IOException;
    }

    private static List<Optional<byte[]>> each(List<String> keys, Read read) throws IOException {
        if (keys.size() < 2) {
            return keys.isEmpty() ? List.of() : List.of(read.of(keys.get(0)));
        }
        List<Future<Optional<byte[]>>> others = new ArrayList<>(keys.size() - 1);
        for (String key : keys.subList(1, keys.size())) {
            others.add(POOL.submit(() -> read.of(key)));
        }
        List<Optional<byte[]>> out = new ArrayList<>(keys.size());
        try {
            out.add(read.of(keys.get(0)));
            for (Future<Optional<byte[]>> f : others) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + keys);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            if (out.size() < keys.size()) {
                others.forEach(f -> f.cancel(true));
            }
        }
    }
}
