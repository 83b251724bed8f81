package dev.conveyor.ui;

import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The jobs the web view knows, folded from the status topic (newest first), with the name, backend
 * and labels of each read once from its stored spec. No database: the status topic is replayed
 * into it at start ({@link StatusFeed}), and what a page needs beyond it comes from the object store.
 * Every change is announced on {@link #changes()} (the job id), which the pages' event streams relay.
 */
final class JobBoard {
    private static final Logger LOG = Logger.getLogger(JobBoard.class);
    private static final int WINDOW_SECONDS = 120;
    private static final Comparator<JobRow> BY_AGE = (a, b) -> {
        int c = a.firstSeen.compareTo(b.firstSeen);
        return c != 0 ? c : a.id.compareTo(b.id);
    };
    /** The fewest events a job keeps when the board's event budget is spread over many jobs. */
    static final int MIN_EVENTS_PER_JOB = 5;

    private final ObjectStore store;
    private final int maxJobs;
    private final int maxEvents;
    /** Events all rows hold together, and the count at which they are cut back ({@link #trimEvents}). */
    private int heldEvents;
    private int trimAt;
    private final Clock clock;
    private final Map<String, JobRow> rows = new HashMap<>();
    /**
     * The same rows, oldest first (by when the job was first seen, then id): a job's first event may
     * come late, so arrival order is not age. Kept as rows come and their first-seen time moves, so
     * forgetting the oldest and listing the newest need no sort of the whole board.
     */
    private final TreeSet<JobRow> byAge = new TreeSet<>(BY_AGE);
    private final BroadcastProcessor<String> changes = BroadcastProcessor.create();
    private final ExecutorService specReader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ui-spec-reader");
        t.setDaemon(true);
        return t;
    });
    private final long[] finishedAt = new long[WINDOW_SECONDS];
    private final int[] finished = new int[WINDOW_SECONDS];
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long sequence;

    /** Tasks running per backend at one second. */
    record Sample(long second, Map<String, Integer> running, int jobsFinished) {
    }

    JobBoard(ObjectStore store, int maxJobs, int maxEvents, Clock clock) {
        this.store = store;
        this.maxJobs = maxJobs;
        this.maxEvents = maxEvents;
        this.trimAt = maxEvents;
        this.clock = clock;
    }

    Multi<String> changes() {
        return changes;
    }

    void accept(JobStatusEvent e) {
        if (e == null || e.jobId() == null) {
            return;
        }
        boolean load;
        synchronized (this) {
            JobRow row = rows.computeIfAbsent(e.jobId(), JobRow::new);
            boolean wasFinished = row.finished();
            int held = row.events.size();
            // out of the age index while its first-seen time may move (the index finds it by that time)
            boolean reindex = row.firstSeen == null || e.time() == null || e.time().isBefore(row.firstSeen);
            if (reindex && row.firstSeen != null) {
                byAge.remove(row);
            }
            row.apply(e);
            if (reindex) {
                byAge.add(row);
            }
            heldEvents += row.events.size() - held;
            row.sequence = ++sequence;
            if (!wasFinished && row.finished() && e.task() == null && row.finishedAt != null) {
                countFinished(row.finishedAt.getEpochSecond());
            }
            load = !row.specLoaded && !"REJECTED".equals(row.state);
            if (rows.size() > maxJobs) {
                forgetOldest();
            }
            if (heldEvents > trimAt) {
                trimEvents();
            }
        }
        if (load) {
            specReader.execute(() -> loadSpec(e.jobId()));
        }
        changes.onNext(e.jobId());
    }

    private void countFinished(long second) {
        long now = clock.instant().getEpochSecond();
        if (second <= now - WINDOW_SECONDS || second > now + 5) {
            return; // history replayed at start, or a clock far off: not throughput
        }
        int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
        if (finishedAt[i] != second) {
            finishedAt[i] = second;
            finished[i] = 0;
        }
        finished[i]++;
    }

    /** Forgets the oldest rows (by first-seen time) down to {@code maxJobs}. */
    private void forgetOldest() {
        while (rows.size() > maxJobs) {
            JobRow oldest = byAge.pollFirst();
            rows.remove(oldest.id);
            heldEvents -= oldest.events.size();
        }
    }

    /**
     * Keeps the events held for job pages within {@code maxEvents}, however many tasks the jobs have
     * (a row keeps up to {@link JobRow#MAX_EVENTS}; 5,000 jobs of 200 tasks would otherwise hold a
     * million events, ~280 MB): every row is cut to its newest share of half the budget (at least
     * {@link #MIN_EVENTS_PER_JOB}), so the pass over every row is paid once per half budget of new
     * events, not for each event once the budget is reached. Held events stay below
     * {@code max(maxEvents, 2 × MIN_EVENTS_PER_JOB × maxJobs)}.
     */
    private void trimEvents() {
        int share = Math.max(MIN_EVENTS_PER_JOB, maxEvents / (2 * Math.max(1, rows.size())));
        for (JobRow r : rows.values()) {
            heldEvents -= r.keepNewest(share);
        }
        trimAt = Math.max(maxEvents, 2 * heldEvents);
    }

    /** Events the rows hold together (what {@code conveyor.ui.max-events} bounds). */
    synchronized int heldEvents() {
        return heldEvents;
    }

    private void loadSpec(String jobId) {
        synchronized (this) {
            JobRow row = rows.get(jobId);
            if (row == null || row.specLoaded) {
                return;
            }
        }
        try {
            Optional<byte[]> bytes = store.read(JobKeys.spec(jobId), 256 * 1024 * 1024);
            if (bytes.isEmpty()) {
                return; // not stored (yet, or rejected): the next event tries again
            }
            JobSpec spec = Json.read(bytes.get(), JobSpec.class);
            synchronized (this) {
                JobRow row = rows.get(jobId);
                if (row != null) {
                    row.name = spec.name();
                    row.backend = spec.runsOn() == null ? null : spec.runsOn().type();
                    row.labels = spec.labels() == null ? Map.of() : spec.labels();
                    row.specLoaded = true;
                }
            }
            changes.onNext(jobId);
        } catch (IOException | RuntimeException ex) {
            LOG.debugf("web view: the spec of job %s could not be read: %s", jobId, ex.getMessage());
        }
    }

    /** The job's row, when the status topic spoke of it since the history window began. */
    synchronized Optional<JobSummary> job(String jobId) {
        JobRow row = rows.get(jobId);
        return row == null ? Optional.empty() : Optional.of(row.summary(clock.instant(), true));
    }

    /** One page of the jobs matching {@code filter}, newest first. */
    JobPage page(JobFilter filter, int page, int pageSize) {
        Instant now = clock.instant();
        Map<String, Integer> states = new TreeMap<>();
        TreeSet<String> backends = new TreeSet<>();
        List<JobSummary> slice = new ArrayList<>();
        int total;
        int p;
        int pages;
        synchronized (this) {
            List<JobRow> matching = new ArrayList<>();
            for (JobRow r : byAge.descendingSet()) { // newest first
                if (r.backend != null) {
                    backends.add(r.backend);
                }
                states.merge(r.state, 1, Integer::sum);
                if (filter.matches(r)) {
                    matching.add(r);
                }
            }
            total = matching.size();
            pages = Math.max(1, (total + pageSize - 1) / pageSize);
            p = Math.min(Math.max(1, page), pages);
            for (JobRow r : matching.subList((p - 1) * pageSize, Math.min(total, p * pageSize))) {
                slice.add(r.summary(now, false));
            }
        }
        return new JobPage(List.copyOf(slice), p, pages, total, states, List.copyOf(backends), filter);
    }

    /** Samples tasks in flight per backend; called once a second. */
    void sample() {
        long second = clock.instant().getEpochSecond();
        Map<String, Integer> running = new TreeMap<>();
        int done;
        synchronized (this) {
            for (JobRow r : rows.values()) {
                if (!r.finished() && r.counts != null && r.counts.running() > 0) {
                    running.merge(r.backend == null ? "?" : r.backend, r.counts.running(), Integer::sum);
                }
            }
            int i = (int) Math.floorMod(second - 1, (long) WINDOW_SECONDS);
            done = finishedAt[i] == second - 1 ? finished[i] : 0;
            samples.addLast(new Sample(second, running, done));
            while (samples.size() > WINDOW_SECONDS) {
                samples.removeFirst();
            }
        }
    }

    /** The last two minutes: jobs finished per second and tasks in flight per backend, oldest first. */
    synchronized Map<String, Object> throughput() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Long> seconds = new ArrayList<>();
        List<Integer> jobs = new ArrayList<>();
        Map<String, List<Integer>> perBackend = new TreeMap<>();
        samples.forEach(s -> s.running().keySet().forEach(b -> perBackend.putIfAbsent(b, new ArrayList<>())));
        for (Sample s : samples) {
            seconds.add(s.second());
            jobs.add(s.jobsFinished());
            perBackend.forEach((b, list) -> list.add(s.running().getOrDefault(b, 0)));
        }
        out.put("seconds", seconds);
        out.put("jobsPerSecond", jobs);
        out.put("tasksInFlight", perBackend);
        return out;
    }

    void close() {
        specReader.shutdownNow();
        changes.onComplete();
    }

    /** What the list asks for: a state (or {@code active}), a label ({@code k} or {@code k=v}), a backend, a search text. */
    record JobFilter(String state, String label, String backend, String q) {
        JobFilter {
            state = blankToNull(state);
            label = blankToNull(label);
            backend = blankToNull(backend);
            q = blankToNull(q);
        }

        boolean matches(JobRow r) {
            if (state != null && !(state.equals("active") ? !r.finished() : state.equalsIgnoreCase(r.state))) {
                return false;
            }
            if (backend != null && !backend.equals(r.backend)) {
                return false;
            }
            if (label != null) {
                int eq = label.indexOf('=');
                String k = eq < 0 ? label : label.substring(0, eq);
                String v = r.labels.get(k);
                if (v == null || (eq >= 0 && !v.equals(label.substring(eq + 1)))) {
                    return false;
                }
            }
            if (q != null) {
                String needle = q.toLowerCase(Locale.ROOT);
                return r.id.toLowerCase(Locale.ROOT).contains(needle)
                        || (r.name != null && r.name.toLowerCase(Locale.ROOT).contains(needle));
            }
            return true;
        }

        String query(int page) {
            StringBuilder b = new StringBuilder();
            add(b, "state", state);
            add(b, "label", label);
            add(b, "backend", backend);
            add(b, "q", q);
            add(b, "page", page > 1 ? String.valueOf(page) : null);
            return b.toString();
        }

        private static void add(StringBuilder b, String k, String v) {
            if (v != null) {
                b.append(b.length() == 0 ? "?" : "&").append(k).append('=')
                        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
