package dev.conveyor.staging;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A download that stops sending is given up on: when one read waits longer than {@code limit} for data, the
 * stream is closed under it and the read fails (an {@link IOException}, so the input "broke off while it was
 * read" — a failure that may pass, tried again under the stage's policy, then the job fails naming the input).
 * Without it a source that sent its headers and then a byte a minute, or nothing, held a staging slot (one of
 * {@code conveyor.concurrency.records-in-flight}) for as long as it pleased — a handful of such inputs stood
 * staging still for every job. Only the time a read waits counts: a slow consumer (the store taking a part) does not.
 */
final class IdleTimeoutStream extends FilterInputStream {
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "conveyor-staging-idle");
        t.setDaemon(true);
        return t;
    });

    private final long limitNanos;
    private final String source;
    /** When the read in progress began (nanoTime), 0 when none is. */
    private volatile long readingSince;
    private volatile boolean timedOut;
    private final ScheduledFuture<?> watch;

    IdleTimeoutStream(InputStream in, Duration limit, String source) {
        super(in);
        this.limitNanos = limit.toNanos();
        this.source = source;
        long every = Math.max(50, limit.toMillis() / 4);
        this.watch = WATCH.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private void check() {
        long since = readingSince;
        if (since != 0 && System.nanoTime() - since > limitNanos) {
            timedOut = true;
            watch.cancel(false);
            try {
                in.close(); // wakes the read waiting on it
            } catch (IOException ignored) {
                // given up on either way
            }
        }
    }

    private IOException stalled(IOException cause) {
        return new IOException("input source '" + source + "' sent no data for " + Duration.ofNanos(limitNanos).toMillis() / 1000.0
                + " s (conveyor.staging.read-timeout)", cause);
    }

    private interface Read {
        int read() throws IOException;
    }

    private int timed(Read read) throws IOException {
        if (timedOut) {
            throw stalled(null);
        }
        readingSince = System.nanoTime();
        try {
            return read.read();
        } catch (IOException e) {
            throw timedOut ? stalled(e) : e;
        } finally {
            readingSince = 0;
        }
    }

    @Override
    public int read() throws IOException {
        return timed(in::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return timed(() -> in.read(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
        long[] skipped = new long[1];
        timed(() -> {
            skipped[0] = in.skip(n);
            return 0;
        });
        return skipped[0];
    }

    @Override
    public void close() throws IOException {
        watch.cancel(false);
        super.close();
    }
}
