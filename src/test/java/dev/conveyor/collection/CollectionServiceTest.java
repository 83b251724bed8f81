package dev.conveyor.collection;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.local.LocalComputeBackend;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one completion record publishes: the job's result, built from the run state it ended in —
 * read together with the ledger, one round trip's wait on a cloud store — or nothing when another
 * record already answered the job.
 */
class CollectionServiceTest {
    @TempDir
    Path root;

    private FaultyStore store;
    private LocalComputeBackend local;
    private EngineRun run;
    private CollectionService collection;
    private JobDrivers drivers;

    @BeforeEach
    void setUp() {
        store = new FaultyStore(new FileObjectStore(root.resolve("store")));
        local = new LocalComputeBackend(new LocalOptions(root.resolve("local"), 2));
        drivers = new JobDrivers(new ComputeBackends(List.of(local)), store,
                new ProviderOptions(Profiles.none(), Set.of(), n -> null), EngineSettings.DEFAULT,
                t -> RetrySettings.quick(2), Clock.systemUTC());
        run = new EngineRun(local, store, EngineSettings.DEFAULT);
        collection = new CollectionService(new ResultBuilder(store, 4096), new ResultLedger(store),
                new ResultBounds(1 << 20), store, drivers);
    }

    @AfterEach
    void tearDown() {
        local.close();
    }

    @Test
    void readsTheLedgerAndTheRunStateAtOnceAndAnswersEachJobOnce() throws Exception {
        JobSpec spec = Jobs.of("collect-once", "tasks: [{id: t, command: 'echo hi'}]");
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        RunState end = run.runToEnd(spec, Duration.ofSeconds(30));
        JobCompleted done = completed(spec, ref, end.version);
        int lists = store.lists();
        store.forgetReadRounds();

        JobResult result = collection.collect(done, "completed/0/7").orElseThrow();

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::id, TaskResult::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("t", TaskState.SUCCEEDED));
        assertThat(store.readRounds()).first().isEqualTo(List.of(JobKeys.result(spec.id()),
                JobKeys.runState(spec.id(), end.version), JobKeys.runState(spec.id(), end.version + 1)));
        assertThat(store.readRounds().subList(1, store.readRounds().size())).as("the rest reads what the task returned")
                .allSatisfy(round -> assertThat(round).allMatch(k -> k.startsWith("jobs/collect-once/tasks/")));
        assertThat(store.lists()).as("the run state the event named is the latest: the one listing is of the task's outputs")
                .isEqualTo(lists + 1);

        // the same record again (its transaction did not commit): the same answer, published again
        assertThat(collection.collect(done, "completed/0/7")).get().extracting(JobResult::status).isEqualTo(JobState.SUCCEEDED);
        // another completion record of the job (a duplicate made upstream): nothing
        assertThat(collection.collect(done, "completed/1/3")).isEmpty();
    }

    @Test
    void aRunStateThatMovedOnIsFoundByListing() throws Exception {
        JobSpec spec = Jobs.of("collect-moved-on", "tasks: [{id: t, command: 'echo hi'}]");
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        RunState end = run.runToEnd(spec, Duration.ofSeconds(30));
        assertThat(end.version).isGreaterThan(1);
        int lists = store.lists();

        JobResult result = collection.collect(completed(spec, ref, end.version - 1), "completed/0/8").orElseThrow();

        assertThat(result.tasks()).extracting(TaskResult::status).containsExactly(TaskState.SUCCEEDED);
        assertThat(store.lists()).isGreaterThan(lists);
    }

    @Test
    void aRejectedRequestReadsItsOwnLedgerEntryOnly() throws Exception {
        String request = "requests/0/12@2026-12-07T05:00:00Z";
        JobCompleted rejected = JobCompleted.rejected("bad-one", List.of(new Problem("tasks", "is empty")), request,
                Instant.parse("2026-12-07T05:00:00Z"));
        store.forgetReadRounds();

        JobResult result = collection.collect(rejected, "completed/2/1").orElseThrow();

        assertThat(result.status()).isEqualTo(JobState.REJECTED);
        assertThat(store.readRounds()).containsExactly(List.of(JobKeys.rejected("bad-one", request)));
        assertThat(collection.collect(rejected, "completed/2/5")).isEmpty();
    }

    @Test
    void whatTheTasksReturnedIsFoundByOneListingAndReadTogether() throws Exception {
        // three tasks, two at a time: the tails of two tasks' logs in one call, their values in another
        collection = new CollectionService(new ResultBuilder(store, 6, 2), new ResultLedger(store),
                new ResultBounds(1 << 20), store, drivers);
        JobSpec spec = Jobs.of("collect-returned", """
                tasks:
                  - id: a
                    command: 'echo "first line"; echo "the-a-end"; echo oops >&2; echo "n=1" >> "$CONVEYOR_OUTPUTS"; echo A > a.txt'
                    outputs: [a.txt]
                  - id: b
                    command: 'echo "b-end"; echo "n=2" >> "$CONVEYOR_OUTPUTS"'
                  - id: c
                    command: 'exit 3'
                """);
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        RunState end = run.runToEnd(spec, Duration.ofSeconds(30));
        int lists = store.lists();
        store.forgetReadRounds();

        JobResult result = collection.collect(completed(spec, ref, end.version), "completed/0/9").orElseThrow();

        Map<String, TaskResult> tasks = result.tasks().stream().collect(Collectors.toMap(TaskResult::id, t -> t));
        assertThat(tasks.get("a").stdoutTail()).isEqualTo("a-end\n");
        assertThat(tasks.get("a").stderrTail()).isEqualTo("oops\n");
        assertThat(tasks.get("a").values()).containsExactly(Map.entry("n", "1"));
        assertThat(tasks.get("a").outputs()).extracting(TaskResult.OutputFile::path).containsExactly("a.txt");
        assertThat(tasks.get("b").stdoutTail()).isEqualTo("b-end\n");
        assertThat(tasks.get("b").values()).containsExactly(Map.entry("n", "2"));
        assertThat(tasks.get("b").outputs()).isEmpty();
        assertThat(tasks.get("c").status()).isEqualTo(TaskState.FAILED);
        assertThat(tasks.get("c").values()).isEmpty();
        assertThat(store.lists() - lists).as("one listing for the job's task files").isEqualTo(1);
        String a = JobKeys.attempt(spec.id(), "a", 1);
        String b = JobKeys.attempt(spec.id(), "b", 1);
        String c = JobKeys.attempt(spec.id(), "c", 1);
        assertThat(store.readRounds().subList(1, store.readRounds().size()))
                .as("per two tasks the logs' tails in one call and the values in another; no read of a file the listing did not show")
                .containsExactly(
                        List.of(a + "stdout.txt", a + "stderr.txt", b + "stdout.txt", b + "stderr.txt"),
                        List.of(a + "values.env", b + "values.env"),
                        List.of(c + "stdout.txt", c + "stderr.txt"));
    }

    private static JobCompleted completed(JobSpec spec, JobSpecs.Ref ref, long version) {
        Instant at = Instant.parse("2026-12-07T05:00:00Z");
        return new JobCompleted(spec.id(), spec.id(), JobState.SUCCEEDED, null, null, ref.key(), ref.hash(),
                "requests/0/1@" + at, true, at, at, at.plusSeconds(1), version);
    }
}
