package dev.conveyor.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.RunStore;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;
import dev.conveyor.storage.StoredObject;
import io.quarkus.qute.TemplateData;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one job page shows beyond the status topic, read from the object store: the spec
 * ({@code jobs/<id>/spec.json}), the engine's latest run state ({@code jobs/<id>/run/}), each task's
 * latest attempt folder (log tails, values, outputs) and the result ledger ({@code result.json},
 * {@code result-full.json}, {@code rejected/}).
 */
@TemplateData
public record JobDetails(String jobId, boolean known, String name, String backend, Map<String, String> labels,
                         String graph, List<TaskRow> tasks, int taskCount, String specJson, String resultJson,
                         String resultState, String reason) {

    /** Tasks shown in the table (the graph shows all, folded). */
    static final int MAX_ROWS = 200;
    /** Tails read for at most this many tasks per page. */
    static final int MAX_TAILS = 60;
    static final int TAIL_BYTES = 2048;

    public String resultClass() {
        return resultState == null ? "" : resultState.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public boolean hasResult() {
        return resultJson != null;
    }

    public boolean truncatedTable() {
        return taskCount > tasks.size();
    }

    static JobDetails load(ObjectStore store, String jobId) throws IOException {
        Optional<JobSpec> spec = StoredDocuments.json(store, JobKeys.spec(jobId), JobSpec.class);
        Optional<RunState> run = spec.isPresent() ? new RunStore(store).latest(jobId) : Optional.empty();
        JsonNode result = result(store, jobId);
        Map<String, String> states = new LinkedHashMap<>();
        List<TaskRow> rows = new ArrayList<>();
        if (spec.isPresent()) {
            int tails = 0;
            Instant now = Instant.now();
            for (TaskSpec t : spec.get().tasks()) {
                TaskRun r = run.map(s -> s.tasks.get(t.id())).orElse(null);
                states.put(t.id(), r == null ? "PENDING" : r.state.name());
                if (rows.size() < MAX_ROWS) {
                    rows.add(row(store, jobId, t, r, tails++ < MAX_TAILS, now));
                }
            }
        }
        String resultState = result == null ? null : result.path("status").asText(null);
        return new JobDetails(jobId, spec.isPresent() || result != null,
                spec.map(JobSpec::name).orElse(result == null ? jobId : result.path("name").asText(jobId)),
                spec.map(s -> s.runsOn() == null ? "" : s.runsOn().type()).orElse(""),
                spec.map(JobSpec::labels).orElse(Map.of()),
                spec.map(s -> TaskGraph.svg(s, states)).orElse(""),
                rows, spec.map(s -> s.tasks().size()).orElse(0),
                spec.map(s -> pretty(Json.MAPPER.valueToTree(s))).orElse(null),
                result == null ? null : pretty(result), resultState,
                result == null ? null : Redaction.text(result.path("reason").asText(null)));
    }

    /** The job's result: the full document when the published one was shortened; else the newest REJECTED answer. */
    static JsonNode result(ObjectStore store, String jobId) throws IOException {
        Optional<JsonNode> entry = StoredDocuments.json(store, JobKeys.result(jobId));
        if (entry.isEmpty()) {
            List<StoredObject> rejected = store.listAll(JobKeys.jobPrefix(jobId) + "rejected/");
            // Each REJECTED answer of one request record; take the one answering the latest record.
            JsonNode newest = null;
            for (StoredObject o : rejected) {
                Optional<JsonNode> e = StoredDocuments.json(store, o.key());
                if (e.isPresent() && (newest == null || e.get().path("result").path("finishedAt").asText("")
                        .compareTo(newest.path("result").path("finishedAt").asText("")) > 0)) {
                    newest = e.get();
                }
            }
            entry = Optional.ofNullable(newest);
        }
        if (entry.isEmpty()) {
            return null;
        }
        JsonNode result = entry.get().path("result");
        if (result.hasNonNull("document")) {
            Optional<JsonNode> full = StoredDocuments.json(store, JobKeys.fullResult(jobId));
            if (full.isPresent()) {
                return full.get();
            }
        }
        return result.isMissingNode() ? null : result;
    }

    private static TaskRow row(ObjectStore store, String jobId, TaskSpec t, TaskRun r, boolean withTails, Instant now)
            throws IOException {
        if (r == null) {
            return new TaskRow(t.id(), t.group(), "PENDING", 0, null, "", "", "", 0, null, null, Map.of(), List.of());
        }
        Attempt last = r.lastAttempt();
        int attempt = r.attempt;
        Instant started = r.attempts.isEmpty() ? r.startedAt : r.attempts.get(0).startedAt();
        Instant ended = r.state.terminal() && last != null ? last.endedAt() : null;
        String handle = r.handle != null ? r.handle : last == null ? "" : last.handle();
        String stdout = null;
        String stderr = null;
        Map<String, String> values = Map.of();
        List<TaskRow.Output> outputs = List.of();
        if (attempt > 0) {
            String prefix = JobKeys.attempt(jobId, t.id(), attempt);
            if (withTails) {
                stdout = tail(store, prefix + "stdout.txt");
                stderr = tail(store, prefix + "stderr.txt");
            }
            values = Redaction.values(StoredDocuments.values(store, prefix + "values.env"));
            if (r.state.terminal()) {
                outputs = new ArrayList<>();
                String base = "/ui/jobs/" + enc(jobId) + "/tasks/" + enc(t.id()) + "/attempts/" + attempt + "/outputs/";
                for (StoredObject o : store.list(prefix + "outputs/", null, 100).objects()) {
                    String path = o.key().substring((prefix + "outputs/").length());
                    outputs.add(new TaskRow.Output(path, o.size(), base + encPath(path)));
                }
            }
        }
        return new TaskRow(t.id(), t.group(), r.state.name(), r.attempts.size() + (r.state.terminal() ? 0 : attempt > 0 ? 1 : 0),
                r.exitCode, Durations.between(started, ended != null ? ended : started == null ? null : now),
                Redaction.text(handle == null ? "" : handle), Redaction.text(r.reason != null ? r.reason
                        : r.waitingFor != null ? "waiting: " + r.waitingFor : ""), attempt,
                Redaction.text(stdout), Redaction.text(stderr), values, outputs);
    }

    private static String tail(ObjectStore store, String key) throws IOException {
        try {
            String text = new String(store.tail(key, TAIL_BYTES), StandardCharsets.UTF_8);
            return text.startsWith("\uFFFD") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Redaction.json(node));
        } catch (IOException e) {
            return "";
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encPath(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.split("/")) {
            b.append(b.length() == 0 ? "" : "/").append(enc(part));
        }
        return b.toString();
    }
}
