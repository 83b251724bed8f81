package dev.conveyor.engine;

import dev.conveyor.compute.local.LocalComputeBackend;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's own store calls for a backend that runs the task wrapper: the scripts of the attempts
 * a turn launches are stored together before they are submitted, and the exit codes of the attempts a
 * turn sees end are read together — on S3 or Blob at once, not one round trip per task in turn.
 */
class WrapperFilesTest {
    @TempDir
    Path root;

    @Test
    void scriptsAreStoredTogetherExitCodesReadTogetherAndOnlyDeclaredOutputsUnpacked() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(root.resolve("store")));
        try (LocalComputeBackend local = new LocalComputeBackend(new LocalOptions(root.resolve("local"), 4))) {
            JobSpec spec = Jobs.of("wrapper-files", """
                    tasks:
                      - {id: a, command: 'echo a'}
                      - {id: b, command: 'echo b'}
                      - {id: c, command: 'exit 2'}
                      - {id: d, command: 'echo d > d.txt', outputs: [d.txt]}
                    """);
            RunState end = new EngineRun(local, store, EngineSettings.DEFAULT).runToEnd(spec, Duration.ofSeconds(30));

            assertThat(end.finalState).isEqualTo(JobState.FAILED);
            List<String> attempts = List.of("a", "b", "c", "d").stream().map(t -> JobKeys.attempt(spec.id(), t, 1)).toList();
            assertThat(store.putAlls()).as("the four scripts in one call, before any was submitted")
                    .contains(attempts.stream().map(a -> a + "task.sh").toList());
            List<String> exitCodesRead = store.readRounds().stream().flatMap(List::stream)
                    .filter(k -> k.endsWith("/exitcode")).toList();
            assertThat(exitCodesRead).as("each attempt's exit code read once")
                    .containsExactlyInAnyOrderElementsOf(attempts.stream().map(a -> a + "exitcode").toList());
            assertThat(store.readRounds().stream().filter(r -> r.stream().anyMatch(k -> k.endsWith("/exitcode"))))
                    .as("the exit codes read in a round are all exit codes")
                    .allSatisfy(r -> assertThat(r).allMatch(k -> k.endsWith("/exitcode")));
            assertThat(store.readRounds().stream().flatMap(List::stream).filter(k -> k.endsWith("outputs.tar")))
                    .as("an archive of outputs is asked for only of a task that declares outputs")
                    .containsExactly(attempts.get(3) + "outputs.tar");
            assertThat(store.read(attempts.get(3) + "outputs/d.txt", 100)).contains("d\n".getBytes());
            assertThat(end.task("c").exitCode).isEqualTo(2);
            assertThat(end.task("a").exitCode).isEqualTo(0);
        }
    }
}
