package dev.conveyor.compute.noop;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TerminalComputeException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backend that runs nothing, for measuring the pipeline's own cost and for testing the engine
 * without processes. Each attempt "runs" for the job's {@code duration} option (default: no time
 * at all) and succeeds — except a command that is exactly {@code exit <n>} (ends with that code) or
 * {@code sleep <seconds>} (takes that long). Stateless: the handle carries the attempt's start,
 * duration and exit code, so any instance can describe it after any restart.
 */
public final class NoopComputeBackend implements ComputeBackend {
    private static final Pattern EXIT = Pattern.compile("\\s*exit\\s+(\\d{1,3})\\s*");
    private static final Pattern SLEEP = Pattern.compile("\\s*sleep\\s+(\\d+(?:\\.\\d+)?)\\s*");
    private final Clock clock;
    /** Attempts stopped by terminate (a restart forgets them: they then end on their own). */
    private final Set<String> terminated = ConcurrentHashMap.newKeySet();

    public NoopComputeBackend(Clock clock) {
        this.clock = clock;
    }

    public NoopComputeBackend() {
        this(Clock.systemUTC());
    }

    @Override
    public String type() {
        return "noop";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, 0, 1000, true, true);
    }

    @Override
    public Map<String, String> ensureEnvironment(BackendJob job) {
        duration(job); // a bad option fails the job at dispatch, with the reason
        return Map.of();
    }

    @Override
    public List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches) {
        Duration base = duration(job);
        long now = clock.millis();
        List<TaskHandle> out = new ArrayList<>(launches.size());
        for (TaskLaunch l : launches) {
            if (!job.maySubmit(clock.instant())) {
                out.add(null); // its window closed: not sent
                continue;
            }
            String cmd = l.command() == null ? "" : l.command();
            Matcher sleep = SLEEP.matcher(cmd);
            Matcher exit = EXIT.matcher(cmd);
            long ms = sleep.matches() ? Math.round(Double.parseDouble(sleep.group(1)) * 1000) : base.toMillis();
            int code = exit.matches() ? Integer.parseInt(exit.group(1)) : 0;
            out.add(new TaskHandle(type(), job.jobId(), l.taskId(), l.attempt(), now + ":" + ms + ":" + code));
        }
        return out;
    }

    @Override
    public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
        return Map.of(); // nothing ran: submitting again is the same
    }

    @Override
    public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
        Map<TaskHandle, TaskObservation> out = new LinkedHashMap<>();
        long now = clock.millis();
        for (TaskHandle h : handles) {
            String[] p = h.ref().split(":");
            if (p.length != 3) {
                out.put(h, TaskObservation.lost("not a noop handle: " + h.ref()));
                continue;
            }
            long start = Long.parseLong(p[0]);
            long ends = start + Long.parseLong(p[1]);
            Instant started = Instant.ofEpochMilli(start);
            if (terminated.contains(h.jobId() + "|" + h.ref())) {
                out.put(h, TaskObservation.ended(null, "terminated", started, Instant.ofEpochMilli(now)));
            } else if (now < ends) {
                out.put(h, TaskObservation.running(started));
            } else {
                out.put(h, TaskObservation.ended(Integer.parseInt(p[2]), null, started, Instant.ofEpochMilli(ends)));
            }
        }
        return out;
    }

    @Override
    public void terminate(BackendJob job, List<TaskHandle> handles, String reason) {
        handles.forEach(h -> terminated.add(h.jobId() + "|" + h.ref()));
    }

    @Override
    public void release(BackendJob job) {
        terminated.removeIf(ref -> ref.startsWith(job.jobId() + "|"));
    }

    /** The {@code duration} option: {@code 250ms}, {@code 2s}, {@code 1m}, or seconds. */
    static Duration duration(BackendJob job) {
        String d = job.option("duration");
        if (d == null || d.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?\\s*").matcher(d);
        if (!m.matches()) {
            // The value is not repeated: an option may have come from a resolved ${NAME}.
            throw new TerminalComputeException("BadOption", "runsOn.with.duration must be like 250ms, 2s, 1m or seconds", null);
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> v;
            case "m" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> v * 1000;
        };
        return Duration.ofMillis(Math.round(ms));
    }
}
