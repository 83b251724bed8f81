package dev.conveyor.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link ObjectStore#each} — and so {@code readAll}, {@code tailAll} and {@code putAll} — for the stores
 * across a network (S3, Blob): the first key's call runs on the calling thread, the others at the same
 * time on a small shared pool, so a caller waits about one round trip for all of them. When the pool is
 * busy a call runs on the caller instead (never queued behind other callers' calls, never refused); its
 * threads end after 30 s without work.
 */
public final class ConcurrentCalls {
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "conveyor-store-call");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    private ConcurrentCalls() {
    }

    /** {@link ObjectStore#each} at once. */
    public static <T> List<T> each(List<String> keys, ObjectStore.KeyCall<T> call) throws IOException {
        if (keys.size() < 2) {
            List<T> one = new ArrayList<>(1);
            for (String key : keys) {
                one.add(call.on(key));
            }
            return one;
        }
        List<Future<T>> others = new ArrayList<>(keys.size() - 1);
        for (String key : keys.subList(1, keys.size())) {
            others.add(POOL.submit(() -> call.on(key)));
        }
        List<T> out = new ArrayList<>(keys.size());
        try {
            out.add(call.on(keys.get(0)));
            for (Future<T> f : others) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling the store for " + keys);
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
