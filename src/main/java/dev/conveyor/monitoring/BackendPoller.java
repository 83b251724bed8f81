package dev.conveyor.monitoring;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The monitoring cycle of one backend, adaptively scheduled: at the floor interval while things
 * change, backing off to the ceiling while nothing does, again at once after attempts were submitted
 * (a quick backend already knows how they went), and at once when woken — a job arrived, a cancel
 * came in, the backend signalled a change. A wake-up that comes while a cycle runs is not lost: the
 * cycle it asked for starts as soon as the running one ends (that job was not in the running cycle).
 */
final class BackendPoller {
    private static final Logger LOG = Logger.getLogger(BackendPoller.class);

    /** What a cycle saw. */
    enum Cycle { QUIET, CHANGED, LAUNCHED }

    private final String backend;
    private final ScheduledExecutorService cycles;
    private final Supplier<Cycle> cycle;
    private final BooleanSupplier watching;
    private final Duration floor;
    private final Duration ceiling;
    private Duration interval;
    private ScheduledFuture<?> next;
    private boolean running;
    private boolean wokenWhileRunning;
    private boolean stopped;

    /**
     * @param cycle    one cycle of the backend
     * @param watching whether jobs on this backend are still watched (else it stops until woken)
     */
    BackendPoller(String backend, ScheduledExecutorService cycles, Supplier<Cycle> cycle, BooleanSupplier watching,
                  Duration floor, Duration ceiling) {
        this.backend = backend;
        this.cycles = cycles;
        this.cycle = cycle;
        this.watching = watching;
        this.floor = floor;
        this.ceiling = ceiling;
        this.interval = floor;
    }

    synchronized void wakeNow() {
        if (stopped) {
            return;
        }
        if (running) {
            wokenWhileRunning = true;
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        schedule(Duration.ZERO);
    }

    synchronized void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    private void schedule(Duration in) {
        try {
            next = cycles.schedule(this::run, in.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void run() {
        synchronized (this) {
            if (running) { // a wake-up raced a cycle that had just started: it runs once more after it
                wokenWhileRunning = true;
                return;
            }
            running = true;
            wokenWhileRunning = false;
        }
        Cycle result = Cycle.QUIET;
        try {
            result = cycle.get();
        } catch (Throwable t) {
            LOG.error("monitoring cycle for " + backend + " failed", t);
        }
        synchronized (this) {
            running = false;
            boolean again = wokenWhileRunning;
            wokenWhileRunning = false;
            interval = result == Cycle.QUIET && !again ? min(interval.multipliedBy(2), ceiling) : floor;
            if (stopped) {
                next = null;
            } else if (again || result == Cycle.LAUNCHED) {
                schedule(Duration.ZERO);
            } else if (watching.getAsBoolean()) {
                schedule(interval);
            } else {
                next = null;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
