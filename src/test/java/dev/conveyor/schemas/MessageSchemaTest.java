package dev.conveyor.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.collection.ResultBuilder;
import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.Problem;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.conveyor.schemas.SchemaAssert.assertValid;
import static dev.conveyor.schemas.SchemaAssert.assertValidMessage;
import static dev.conveyor.schemas.SchemaAssert.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every message the service produces, built the way the service builds it (normaliser, tracker,
 * result builder) and written with {@link Json#MAPPER}, is valid against its published schema; and
 * the schemas are strict enough to catch drift.
 */
class MessageSchemaTest {

    private static final String JOB_ID = "nightly-2026-11-21";
    private static final Instant SUBMITTED = Instant.parse("2026-11-21T10:15:30.123456789Z");
    private static final Instant DISPATCHED = Instant.parse("2026-11-21T10:15:31Z");
    private static final Instant T1 = Instant.parse("2026-11-21T10:15:32.5Z");
    private static final Instant T2 = Instant.parse("2026-11-21T10:15:40.000001Z");
    private static final Instant T3 = Instant.parse("2026-11-21T10:16:05.25Z");
    private static final Instant T4 = Instant.parse("2026-11-21T10:16:30Z");

    @TempDir
    Path storeRoot;
    FileObjectStore store;
    ResultBuilder results;
    JobSpec job;

    @BeforeEach
    void setUp() throws IOException {
        store = new FileObjectStore(storeRoot);
        results = new ResultBuilder(store, 4096);
        job = normalisedJob();
    }

    /** A request using every feature, normalised the way submission does it. */
    static JobSpec normalisedJob() throws IOException {
        JsonNode request = Json.MAPPER.readTree("""
                {
                  "id": "nightly-2026-11-21",
                  "name": "Nightly report",
                  "params": {"day": "2026-11-21", "limit": 3, "dryRun": false, "filters": {"region": ["eu", "us"]}, "nothing": null},
                  "runsOn": {"type": "local", "with": {"slots": "2"}},
                  "timeout": "1h",
                  "labels": {"team": "data"},
                  "tasks": [
                    {"id": "fetch", "command": "curl -sf \\"$URL\\" > data.csv",
                     "env": {"URL": "https://example.org/data.csv", "RETRIES": 3, "VERBOSE": true},
                     "inputs": [{"path": "./cfg//settings.json", "content": "{}"},
                                {"path": "seed.csv", "source": "file:///srv/seed.csv"}],
                     "outputs": ["*.csv", {"pattern": "debug/**", "when": "failure"}],
                     "retries": 2, "timeout": "5m"},
                    {"id": "report", "script": "python report.py data.csv\\n", "needs": ["fetch", "fetch"],
                     "outputs": [{"pattern": "report/**", "when": "always"}], "image": "python:3.12"}
                  ]
                }
                """);
        return new JobNormalizer().normalize(request, SUBMITTED, () -> "unused");
    }

    private static final String SPEC_KEY = "jobs/" + JOB_ID + "/spec.json";
    private static final String SPEC_HASH = "0".repeat(64);
    private static final String REQUEST = "conveyor.requests/0/42@1763720130123";

    /** What a task wrapper returns for one attempt: logs, values and output files under the attempt's prefix. */
    private void returned(String task, int attempt, Map<String, String> outputs) throws IOException {
        String prefix = JobKeys.attempt(JOB_ID, task, attempt);
        store.put(prefix + "stdout.txt", ("stdout of " + task + " attempt " + attempt + " ✓\n").getBytes(StandardCharsets.UTF_8));
        store.put(prefix + "stderr.txt", ("stderr of " + task + "\n").getBytes(StandardCharsets.UTF_8));
        store.put(prefix + "values.env", ("rows=" + attempt + "\n").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, String> o : outputs.entrySet()) {
            store.put(prefix + "outputs/" + o.getKey(), o.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Attempt attempt(int n, TaskState state, Integer exit, String reason, Instant from, Instant to, boolean reported) {
        return new Attempt(n, state, exit, reason, from, to, reported, false, "jobs/" + JOB_ID + "/t/attempt-" + n, null);
    }

    private static TaskRun done(TaskState state, Integer exit, String reason, Attempt... attempts) {
        TaskRun t = new TaskRun();
        t.phase = Phase.DONE;
        t.state = state;
        t.exitCode = exit;
        t.reason = reason;
        t.attempt = attempts.length;
        t.attempts = new ArrayList<>(List.of(attempts));
        return t;
    }

    private RunState run(JobState state, String reason, TaskRun fetch, TaskRun report) {
        RunState s = new RunState();
        s.jobId = JOB_ID;
        s.version = 7;
        s.backend = "local";
        s.startedAt = DISPATCHED;
        s.tasks.put("fetch", fetch);
        s.tasks.put("report", report);
        s.finalState = state;
        s.finalReason = reason;
        s.endedAt = T4;
        return s;
    }

    private RunState succeededRun() throws IOException {
        returned("fetch", 1, Map.of());
        returned("fetch", 2, Map.of("data.csv", "a,b\n1,2\n"));
        returned("report", 1, Map.of("report/summary.txt", "ok", "report/chart.png", ""));
        return run(JobState.SUCCEEDED, null,
                done(TaskState.SUCCEEDED, 0, null, attempt(1, TaskState.FAILED, 22, "exit code 22", T1, T2, true),
                        attempt(2, TaskState.SUCCEEDED, 0, null, T2.plusSeconds(2), T3, true)),
                done(TaskState.SUCCEEDED, 0, null, attempt(1, TaskState.SUCCEEDED, 0, null, T3.plusMillis(100), T4, true)));
    }

    private RunState failedRun(JobState state, String reason) throws IOException {
        returned("fetch", 1, Map.of());
        returned("fetch", 3, Map.of("debug/trace.txt", "..."));
        return run(state, reason,
                done(TaskState.FAILED, 2, "exit code 2", attempt(1, TaskState.FAILED, 2, "exit code 2", T1, T2, true),
                        attempt(2, TaskState.TIMED_OUT, null, "timed out after 300s", T2, T3, false),
                        attempt(3, TaskState.FAILED, 2, "exit code 2", T3, T4, true)),
                done(TaskState.SKIPPED, null, "upstream task 'fetch' FAILED"));
    }

    private static JobCompleted completed(RunState s) {
        return new JobCompleted(JOB_ID, "Nightly report", s.finalState, s.finalReason, List.of(), SPEC_KEY, SPEC_HASH,
                REQUEST, true, SUBMITTED, T1, s.endedAt, 7L);
    }

    private JobResult result(RunState s) throws IOException {
        return results.build(completed(s), job, s);
    }

    /** The task-level events monitoring publishes over a job's life (see MonitoringService). */
    private static List<JobStatusEvent> taskEvents() {
        JobStatusEvent.TaskCounts counts = new JobStatusEvent.TaskCounts(2, 1, 1, 0, 0, 0);
        List<JobStatusEvent> events = new ArrayList<>();
        events.add(new JobStatusEvent(JOB_ID, "monitoring", "RUNNING", null, null, "watching 2 tasks on local", counts, T1));
        events.add(new JobStatusEvent(JOB_ID, "monitoring", "RUNNING", "fetch", 1, null, counts, T1));
        events.add(new JobStatusEvent(JOB_ID, "monitoring", "RETRYING", "fetch", 1, "attempt 1 FAILED: exit code 22", counts, T2));
        for (String state : List.of("SUCCEEDED", "FAILED", "TIMED_OUT", "SKIPPED", "CANCELLED")) {
            events.add(new JobStatusEvent(JOB_ID, "monitoring", state, "report", state.equals("SKIPPED") ? null : 2,
                    state.equals("SUCCEEDED") ? null : "why", counts, T3));
        }
        return events;
    }

    @Nested
    class Results {

        @Test
        void aSucceededJobWithRetriesLogsAndOutputsIsValid() throws IOException {
            JobResult result = result(succeededRun());

            assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(result.tasks()).allSatisfy(t -> assertThat(t.outputs()).isNotEmpty());
            assertThat(result.tasks().get(0).attempts()).hasSize(2);
            assertValidMessage("job-result", result);
        }

        @Test
        void aRejectedJobWithProblemsAndNoTasksIsValid() throws IOException {
            JobResult result = results.build(JobCompleted.rejected("bad-request-7", List.of(
                    new Problem("$.tasks[0].comand", "unknown property 'comand': did you mean 'command'?"),
                    new Problem("$.tasks[1].needs[0]", "must be a string, got an integer")), REQUEST, T1), null, null);

            String json = Json.write(result);
            assertThat(Json.MAPPER.readTree(json).has("runsOn")).isFalse();
            assertThat(result.tasks()).isEmpty();
            assertValid("job-result", json);
        }

        @Test
        void aFailedJobWithASkippedTaskIsValid() throws IOException {
            JobResult result = result(failedRun(JobState.FAILED, "task 'fetch' FAILED: exit code 2"));

            assertThat(result.status()).isEqualTo(JobState.FAILED);
            TaskResult skipped = result.tasks().get(1);
            assertThat(skipped.status()).isEqualTo(TaskState.SKIPPED);
            assertThat(skipped.attempts()).isEmpty();
            assertThat(skipped.logs()).isNull();
            assertValidMessage("job-result", result);
        }

        @Test
        void aJobThatTimedOutAsAWholeIsValid() throws IOException {
            JobResult result = result(failedRun(JobState.TIMED_OUT, "job timed out after 3600s"));

            assertThat(result.status()).isEqualTo(JobState.TIMED_OUT);
            assertValidMessage("job-result", result);
        }

        @Test
        void aJobThatFailedBeforeRunningIsValid() throws IOException {
            JobResult result = results.build(JobCompleted.beforeRun(JOB_ID, job.name(), SPEC_KEY, SPEC_HASH, REQUEST,
                    SUBMITTED, JobState.FAILED, "staging failed: cannot read file:///srv/seed.csv", T1), job, null);

            assertThat(result.startedAt()).isNull();
            assertThat(result.durationMs()).isNull();
            assertValidMessage("job-result", result);
        }

        /** Dispatch could not read the spec (which holds the submission time): the request record's time stands in. */
        @Test
        void aJobThatFailedBeforeItsSpecCouldBeReadIsValidAndSaysWhenItWasSubmitted() throws IOException {
            JobResult result = results.build(JobCompleted.beforeRun(JOB_ID, JOB_ID, SPEC_KEY, SPEC_HASH,
                    "conveyor.requests/3/17@1796648393868", null, JobState.FAILED,
                    "dispatch failed: cannot read the job's spec: the job's spec is not in the object store", T1), null, null);

            assertThat(result.submittedAt()).isEqualTo(java.time.Instant.ofEpochMilli(1796648393868L));
            assertValidMessage("job-result", result);
        }

        @Test
        void aResultWithoutStatusIsReported() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(result(succeededRun()));
            json.remove("status");

            assertThat(problems("job-result", json.toString())).extracting(Problem::path, Problem::message)
                    .containsExactly(tuple("$.status", "is required but missing"));
        }

        @Test
        void unknownPropertiesAreReportedAtEveryLevel() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(result(succeededRun()));
            json.put("colour", "green");
            ((ObjectNode) json.at("/tasks/0/attempts/1")).put("host", "worker-3");
            ((ObjectNode) json.at("/tasks/1/outputs/0")).put("sha256", "abc");

            assertThat(problems("job-result", json.toString())).extracting(Problem::path)
                    .containsExactly("$.tasks[0].attempts[1].host", "$.tasks[1].outputs[0].sha256", "$.colour");
        }

        @Test
        void aNullOptionalFieldIsReported() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(result(succeededRun()));
            json.putNull("reason");

            assertThat(problems("job-result", json.toString())).extracting(Problem::path).containsExactly("$.reason");
        }

        @Test
        void anUnknownStatusIsReported() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(result(succeededRun()));
            json.put("status", "DONE");

            assertThat(problems("job-result", json.toString())).extracting(Problem::path, Problem::message)
                    .containsExactly(tuple("$.status", "must be one of SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, REJECTED, got 'DONE'"));
        }
    }

    @Nested
    class StatusEvents {

        @Test
        void everyJobLevelEventTheStagesPublishIsValid() {
            List<JobStatusEvent> events = List.of(
                    JobStatusEvent.job(JOB_ID, "submission", "ACCEPTED", "2 tasks on local"),
                    JobStatusEvent.job(JOB_ID, "submission", "REJECTED", "2 problem(s) in the request"),
                    JobStatusEvent.job(JOB_ID, "submission", "DUPLICATE", "a job with this id was already accepted"),
                    JobStatusEvent.job(JOB_ID, "staging", "STAGED", "3 inputs staged"),
                    JobStatusEvent.job(JOB_ID, "staging", "FAILED", null), // an exception without a message
                    JobStatusEvent.job(JOB_ID, "dispatch", "DISPATCHED", "on local"),
                    JobStatusEvent.job(JOB_ID, "monitoring", "ENDED", "all tasks ended: SUCCEEDED"),
                    JobStatusEvent.job(JOB_ID, "collection", "SUCCEEDED", "result published"),
                    JobStatusEvent.job(JOB_ID, "collection", "TIMED_OUT", "job timed out after 3600s"));
            for (JobStatusEvent e : events) {
                assertValidMessage("job-status", e);
            }
        }

        @Test
        void everyEventMonitoringPublishesIsValid() {
            List<JobStatusEvent> events = taskEvents();

            assertThat(events).extracting(JobStatusEvent::state)
                    .contains("RUNNING", "RETRYING", "SUCCEEDED", "FAILED", "SKIPPED");
            assertThat(events).anySatisfy(e -> assertThat(e.task()).isNotNull());
            assertThat(events).anySatisfy(e -> assertThat(e.task()).isNotNull().isNotEmpty()
                    .satisfies(t -> assertThat(e.attempt()).isNull()));
            for (JobStatusEvent e : events) {
                assertValidMessage("job-status", e);
            }
        }

        @Test
        void anUnknownStateIsReported() {
            String json = Json.write(JobStatusEvent.job(JOB_ID, "staging", "EXPLODED", "boom"));

            assertThat(problems("job-status", json)).extracting(Problem::path, Problem::message).containsExactly(
                    tuple("$.state", "must be one of ACCEPTED, REJECTED, DUPLICATE, STAGED, DISPATCHED, RUNNING, ENDED, "
                            + "CANCELLING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, PENDING, RETRYING, SKIPPED, got 'EXPLODED'"));
        }

        @Test
        void aJobLevelStateOnATaskEventIsReported() {
            String json = Json.write(new JobStatusEvent(JOB_ID, "monitoring", "ACCEPTED", "fetch", 1, null, null, T1));

            assertThat(problems("job-status", json)).extracting(Problem::path, Problem::message).containsExactly(
                    tuple("$.state", "must be a task state on a task-level event (one with 'task'): "
                            + "PENDING, RUNNING, RETRYING, SUCCEEDED, FAILED, TIMED_OUT, SKIPPED, CANCELLED"));
        }

        @Test
        void aTaskLevelStateOnAJobEventIsReported() {
            String json = Json.write(JobStatusEvent.job(JOB_ID, "monitoring", "RETRYING", null));

            assertThat(problems("job-status", json)).extracting(Problem::path, Problem::message).containsExactly(
                    tuple("$.state", "must be a job state on a job-level event (one without 'task'): ACCEPTED, REJECTED, "
                            + "DUPLICATE, STAGED, DISPATCHED, RUNNING, ENDED, CANCELLING, SUCCEEDED, FAILED, TIMED_OUT, CANCELLED"));
        }

        @Test
        void aTimeThatIsNotAnIsoInstantIsReported() {
            String json = "{\"jobId\":\"j1\",\"stage\":\"dispatch\",\"state\":\"DISPATCHED\",\"time\":1763720130}";
            String text = "{\"jobId\":\"j1\",\"stage\":\"dispatch\",\"state\":\"DISPATCHED\",\"time\":\"yesterday\"}";

            assertThat(problems("job-status", json)).extracting(Problem::path).containsExactly("$.time");
            assertThat(problems("job-status", text)).extracting(Problem::path).containsExactly("$.time");
        }

        @Test
        void anAttemptWithoutATaskIsReported() {
            String json = Json.write(new JobStatusEvent(JOB_ID, "monitoring", "RUNNING", null, 2, null, null, T1));

            assertThat(problems("job-status", json)).extracting(Problem::path).containsExactly("$.attempt");
        }

        @Test
        void anUnknownStageOrPropertyIsReported() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(JobStatusEvent.job(JOB_ID, "billing", "ACCEPTED", "x"));
            json.put("severity", "info");

            assertThat(problems("job-status", json.toString())).extracting(Problem::path)
                    .containsExactlyInAnyOrder("$.stage", "$.severity");
        }
    }

    @Nested
    class InternalEvents {

        @Test
        void theClaimCheckEventsAreValid() {
            assertValidMessage("job-submitted", new JobSubmitted(JOB_ID, job.name(), SPEC_KEY, SPEC_HASH, 2, "local", REQUEST, SUBMITTED));
            assertValidMessage("job-staged", new JobStaged(JOB_ID, SPEC_KEY, SPEC_HASH, REQUEST, T1));
            assertValidMessage("job-dispatched", new JobDispatched(JOB_ID, SPEC_KEY, SPEC_HASH, "local", REQUEST, DISPATCHED, 1L));
        }

        @Test
        void theStoredSpecOfAFullyFeaturedJobIsValid() {
            assertValidMessage("job-spec", job);
        }

        @Test
        void aMinimalJobIsValid() {
            JobSpec minimal = new JobSpec("job-01jd3x8zq4-k7f3a9c2", "job-01jd3x8zq4-k7f3a9c2", Map.of(),
                    new RunsOn("noop", Map.of()), 0, Map.of(),
                    List.of(new TaskSpec("a", "true", Map.of(), List.of(), List.of(), List.of(), 0, 0, null)), SUBMITTED);

            assertValidMessage("job-spec", minimal);
        }

        @Test
        void aJobWithMatrixAlwaysOutputRefsAndResourcesIsValid() throws IOException {
            JsonNode request = Json.MAPPER.readTree("""
                    {
                      "params": {"region": {"type": "str", "default": "eu"}},
                      "runsOn": {"type": "aws-batch", "profile": "prod", "with": {"job_queue_arn": "arn:aws:batch:q"}},
                      "tasks": [
                        {"id": "build", "command": "echo ${{ params.region }}", "resources": {"cpus": 2, "memory": "4Gi", "gpus": 1}},
                        {"id": "test", "needs": ["build"], "command": "test ${{ matrix.os }} ${{ needs.build.outputs.version }}",
                         "strategy": {"matrix": {"os": ["linux", "mac"], "target": [{"arch": "x64"}]}, "maxParallel": 1}},
                        {"id": "report", "needs": ["test"], "command": "true", "always": true}
                      ]
                    }
                    """);
            JobSpec workflow = new JobNormalizer().normalize(request, SUBMITTED, () -> "job-01jd3x8zq4-k7f3a9c2");

            assertThat(workflow.task("test-1").outputRefs()).isNotEmpty();
            assertThat(workflow.task("build").resources().memoryMiB()).isEqualTo(4096);
            assertThat(workflow.runsOn().profile()).isEqualTo("prod");
            assertThat(workflow.matrixGroups()).hasSize(1);
            assertValidMessage("job-spec", workflow);
            assertThat(Json.read(Json.write(workflow), JobSpec.class)).isEqualTo(workflow);
        }

        @Test
        void completionsOfEveryKindAreValid() throws IOException {
            assertValidMessage("job-completed", completed(succeededRun()));
            assertValidMessage("job-completed", completed(failedRun(JobState.FAILED, "task 'fetch' FAILED: exit code 2")));
            assertValidMessage("job-completed", JobCompleted.rejected("bad-request-7",
                    List.of(new Problem("$", "not a job request: unexpected end of input")), REQUEST, T1));
            assertValidMessage("job-completed", JobCompleted.beforeRun(JOB_ID, job.name(), SPEC_KEY, SPEC_HASH, REQUEST,
                    SUBMITTED, JobState.FAILED, "dispatch failed: no such pool", T1));
        }

        @Test
        void driftInTheSpecIsReported() throws IOException {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(job);
            ObjectNode task = (ObjectNode) json.at("/tasks/0");
            task.remove("command");
            task.put("script", "echo");
            ((ObjectNode) json.at("/tasks/0/outputs/0")).put("when", "success");

            assertThat(problems("job-spec", json.toString())).extracting(Problem::path).containsExactlyInAnyOrder(
                    "$.tasks[0].command", "$.tasks[0].script", "$.tasks[0].outputs[0].when");
        }

        @Test
        void anEventCarryingASpecInsteadOfItsClaimCheckIsReported() {
            ObjectNode json = (ObjectNode) Json.MAPPER.valueToTree(new JobStaged(JOB_ID, SPEC_KEY, SPEC_HASH, REQUEST, T1));
            json.set("job", Json.MAPPER.valueToTree(job));
            json.put("specHash", "not-a-sha");

            assertThat(problems("job-staged", json.toString())).extracting(Problem::path)
                    .containsExactlyInAnyOrder("$.job", "$.specHash");
        }
    }

    /**
     * Each record's components are exactly the properties of its schema object, so a field added to
     * a record (and omitted while null) cannot go unnoticed.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "dev.conveyor.model.result.JobResult=job-result#",
            "dev.conveyor.model.result.TaskResult=job-result#/$defs/task",
            "dev.conveyor.model.result.TaskResult$Attempt=job-result#/$defs/attempt",
            "dev.conveyor.model.result.TaskResult$Logs=job-result#/$defs/logs",
            "dev.conveyor.model.result.TaskResult$OutputFile=job-result#/$defs/outputFile",
            "dev.conveyor.model.Problem=job-result#/$defs/problem",
            "dev.conveyor.model.events.JobStatusEvent=job-status#",
            "dev.conveyor.model.events.JobStatusEvent$TaskCounts=job-status#/$defs/counts",
            "dev.conveyor.model.events.JobSubmitted=job-submitted#",
            "dev.conveyor.model.events.JobStaged=job-staged#",
            "dev.conveyor.model.events.JobDispatched=job-dispatched#",
            "dev.conveyor.model.events.JobCompleted=job-completed#",
            "dev.conveyor.model.JobSpec=job-spec#",
            "dev.conveyor.model.RunsOn=job-spec#/$defs/runsOn",
            "dev.conveyor.model.TaskSpec=job-spec#/$defs/task",
            "dev.conveyor.model.InputSpec=job-spec#/$defs/input",
            "dev.conveyor.model.OutputSpec=job-spec#/$defs/output",
            "dev.conveyor.model.OutputRef=job-spec#/$defs/outputRef",
            "dev.conveyor.model.MatrixGroup=job-spec#/$defs/matrixGroup",
            "dev.conveyor.model.TaskResources=job-spec#/$defs/task/properties/resources"})
    void schemaPropertiesAreExactlyTheRecordComponents(String mapping) throws ClassNotFoundException {
        String[] parts = mapping.split("[=#]", -1);
        Class<?> record = Class.forName(parts[0]);
        JsonNode object = new JsonSchemas().document(parts[1]).at(parts[2]);

        Set<String> properties = new TreeSet<>();
        object.path("properties").fieldNames().forEachRemaining(properties::add);
        Set<String> components = Arrays.stream(record.getRecordComponents()).map(c -> c.getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(properties).as("properties of %s", mapping).isEqualTo(components);
        assertThat(object.path("additionalProperties").asBoolean(true)).as("additionalProperties of %s", mapping).isFalse();
    }

    @Test
    void enumsInTheSchemasAreExactlyTheJavaEnums() {
        JsonSchemas schemas = new JsonSchemas();
        assertThat(values(schemas.document("job-result").at("/properties/status/enum"))).isEqualTo(names(JobState.values()));
        assertThat(values(schemas.document("job-completed").at("/properties/state/enum"))).isEqualTo(names(JobState.values()));
        assertThat(values(schemas.document("job-result").at("/$defs/taskState/enum"))).isEqualTo(names(TaskState.values()));
        assertThat(values(schemas.document("job-spec").at("/$defs/output/properties/when/enum")))
                .isEqualTo(names(OutputSpec.When.values()));
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-result", "job-status", "job-submitted", "job-staged", "job-dispatched",
            "job-completed", "job-spec"})
    void everySchemaIs2020_12WithItsOwnIdAndDescribesEveryProperty(String name) {
        JsonSchemas schemas = new JsonSchemas();
        JsonNode document = schemas.document(name);
        assertThat(document.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(document.path("$id").asText()).isEqualTo(JsonSchemas.ID_PREFIX + name + ".schema.json");
        assertThat(document.path("description").asText()).isNotBlank();
        schemas.schema(name); // compiles, every $ref resolves

        List<String> undescribed = new ArrayList<>();
        collectUndescribed(document, "#", undescribed);
        assertThat(undescribed).as("properties without a description").isEmpty();
    }

    /** Properties need a description of their own, or a $ref to a definition that has one. */
    private static void collectUndescribed(JsonNode node, String at, List<String> undescribed) {
        if (!node.isObject()) {
            return;
        }
        JsonNode properties = node.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!p.getValue().has("description") && !p.getValue().has("$ref")
                    && !"then".equals(lastSegment(at)) && !"else".equals(lastSegment(at))) {
                undescribed.add(at + "/properties/" + p.getKey());
            }
        }
        Map<String, JsonNode> children = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> children.put(e.getKey(), e.getValue()));
        children.forEach((key, child) -> {
            if (child.isObject()) {
                if ("properties".equals(key) || "$defs".equals(key)) {
                    child.fields().forEachRemaining(e -> collectUndescribed(e.getValue(), at + "/" + key + "/" + e.getKey(), undescribed));
                } else {
                    collectUndescribed(child, at + "/" + key, undescribed);
                }
            }
        });
    }

    private static String lastSegment(String at) {
        return at.substring(at.lastIndexOf('/') + 1);
    }

    @Nested
    class TheHelper {

        @Test
        void passesValidJson() {
            assertValid("job-status", "{\"jobId\":\"j1\",\"stage\":\"dispatch\",\"state\":\"DISPATCHED\",\"time\":\"2026-11-21T10:15:30Z\"}");
        }

        @Test
        void failsWithEveryProblemAndTheJson() {
            String json = "{\"jobId\":\"j1\",\"stage\":\"dispatch\",\"state\":\"GONE\",\"when\":1}";

            assertThatThrownBy(() -> assertValid("job-status", json))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("not a valid job-status message (3 problems)")
                    .hasMessageContaining("$.state: must be one of")
                    .hasMessageContaining("$.when: unknown property 'when'")
                    .hasMessageContaining("$.time: is required but missing")
                    .hasMessageContaining(json);
        }

        @Test
        void failsOnSomethingThatIsNotJson() {
            assertThatThrownBy(() -> assertValid("job-status", "{oops"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("not JSON").hasMessageContaining("{oops");
        }
    }
}
