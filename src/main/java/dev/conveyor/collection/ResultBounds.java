package dev.conveyor.collection;

import dev.conveyor.model.Json;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps a result record under a size bound, so one job with 60,000 output files can never produce
 * a record the broker refuses (which would hold up every other result). What does not fit stays
 * in the stored result document, which the record then names ({@code document}) and says what was
 * left out ({@code truncated}). Shortening goes from the least to the most telling: output lists,
 * then log tails, then earlier attempts and values, then (last) the succeeded tasks themselves.
 */
public final class ResultBounds {
    /** Output files listed per task when lists must be shortened. */
    static final int OUTPUTS_KEPT = 20;
    private final int maxBytes;

    public ResultBounds(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public boolean fits(JobResult r) {
        return size(r) <= maxBytes;
    }

    /** The result itself when it fits; else a shortened copy naming {@code documentUri}. */
    public JobResult fit(JobResult full, String documentUri) {
        if (fits(full)) {
            return full;
        }
        List<String> cut = new ArrayList<>();
        JobResult r = with(full, map(full.tasks(), t -> t.outputs() == null || t.outputs().size() <= OUTPUTS_KEPT ? t
                : copy(t, t.outputs().subList(0, OUTPUTS_KEPT), t.stdoutTail(), t.stderrTail(), t.attempts(), t.values())),
                documentUri, "output lists beyond " + OUTPUTS_KEPT + " files per task", cut);
        if (!fits(r)) {
            r = with(r, map(r.tasks(), t -> copy(t, t.outputs(), null, null, t.attempts(), t.values())),
                    documentUri, "log tails", cut);
        }
        if (!fits(r)) {
            r = with(r, map(r.tasks(), t -> copy(t, t.outputs(), null, null,
                    t.attempts() == null || t.attempts().isEmpty() ? t.attempts() : List.of(t.attempts().get(t.attempts().size() - 1)),
                    Map.of())), documentUri, "earlier attempts and values", cut);
        }
        if (!fits(r)) {
            List<TaskResult> failedFirst = new ArrayList<>(r.tasks().stream().filter(t -> t.status() != TaskState.SUCCEEDED).toList());
            failedFirst.addAll(r.tasks().stream().filter(t -> t.status() == TaskState.SUCCEEDED).toList());
            List<TaskResult> kept = new ArrayList<>();
            JobResult probe = with(r, List.of(), documentUri, "tasks beyond the first ones (failed tasks first)", cut);
            long budget = maxBytes - size(probe) - 64;
            for (TaskResult t : failedFirst) {
                long s = Json.bytes(t).length + 1;
                if (s > budget) {
                    break;
                }
                budget -= s;
                kept.add(t);
            }
            r = with(r, kept, documentUri, null, cut);
        }
        return r;
    }

    private static JobResult with(JobResult r, List<TaskResult> tasks, String doc, String what, List<String> cut) {
        if (what != null) {
            cut.add(what);
        }
        return new JobResult(r.jobId(), r.name(), r.status(), r.reason(), r.problems(), r.runsOn(), r.params(), r.labels(),
                r.submittedAt(), r.startedAt(), r.finishedAt(), r.durationMs(), tasks, r.request(), doc,
                "left out to fit " + "the result record: " + String.join(", ", cut) + " (the full result is at document)");
    }

    private static TaskResult copy(TaskResult t, List<TaskResult.OutputFile> outputs, String out, String err,
                                   List<TaskResult.Attempt> attempts, Map<String, String> values) {
        return new TaskResult(t.id(), t.status(), t.exitCode(), t.reason(), t.attemptCount(), attempts, t.startedAt(),
                t.finishedAt(), t.durationMs(), out, err, t.logs(), outputs, t.outputCount(), values);
    }

    private static List<TaskResult> map(List<TaskResult> tasks, java.util.function.UnaryOperator<TaskResult> f) {
        return tasks.stream().map(f).toList();
    }

    static long size(JobResult r) {
        return Json.bytes(r).length;
    }
}
