package dev.conveyor.engine;

import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Run states on a real (file) store: versions as fences, and finding the latest from a version an event named. */
class RunStoreTest {
    @TempDir
    Path dir;

    private RunState saved(RunStore runs, String jobId, int versions) throws Exception {
        RunState s = new RunState();
        s.jobId = jobId;
        s.backend = "noop";
        for (int i = 0; i < versions; i++) {
            s.stopReason = "save " + (i + 1);
            runs.save(s);
        }
        return s;
    }

    @Test
    void theVersionAnEventNamedIsReadWithoutListingWhenNoNewerOneExists() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        RunStore runs = new RunStore(store);
        saved(runs, "job-a", 5);

        RunState latest = runs.latest("job-a", 5L).orElseThrow();

        assertThat(latest.version).isEqualTo(5);
        assertThat(latest.stopReason).isEqualTo("save 5");
        assertThat(store.lists()).isZero();
    }

    @Test
    void aJobThatMovedOnPastTheNamedVersionIsFoundByListing() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        RunStore runs = new RunStore(store);
        saved(runs, "job-b", 6);

        // version 2 was emptied (only the last three keep their content), version 4 has a successor
        assertThat(runs.latest("job-b", 2L).orElseThrow().version).isEqualTo(6);
        assertThat(runs.latest("job-b", 4L).orElseThrow().version).isEqualTo(6);
        assertThat(runs.latest("job-b", null).orElseThrow().version).isEqualTo(6);
        assertThat(store.lists()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aNamedVersionThatDoesNotExistFallsBackToTheListing() throws Exception {
        RunStore runs = new RunStore(new FileObjectStore(dir));
        assertThat(runs.latest("job-c", 3L)).isEmpty();
        saved(runs, "job-c", 2);
        assertThat(runs.latest("job-c", 9L).orElseThrow().version).isEqualTo(2);
    }

    @Test
    void beforeTheFirstVersionOnlyVersionOneIsReadAndItsAbsenceSettlesIt() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        RunStore runs = new RunStore(store);
        assertThat(RunStore.keysFrom("job-e", 0L)).containsExactly(JobKeys.runState("job-e", 1));
        assertThat(RunStore.keysFrom("job-e", null)).isEmpty();

        assertThat(runs.latest("job-e", 0L)).isEmpty();
        assertThat(store.lists()).as("no version 1: nothing was ever saved, nothing to list").isZero();

        saved(runs, "job-e", 4);
        assertThat(runs.latest("job-e", 0L).orElseThrow().version).as("version 1 exists: the latest is listed").isEqualTo(4);
        assertThat(store.lists()).isPositive();
    }

    @Test
    void theVersionThreeBackIsEmptiedTogetherWithTheSaveAndAFailedEmptyingDoesNotFailIt() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        RunStore runs = new RunStore(store);
        RunState s = saved(runs, "job-f", 4);

        assertThat(store.eaches()).as("version 4 saved and version 1 emptied in one call")
                .containsExactly(List.of(JobKeys.runState("job-f", 4), JobKeys.runState("job-f", 1)));
        assertThat(store.read(JobKeys.runState("job-f", 1), 1 << 20)).contains(new byte[0]);

        store.failWrites(k -> k.equals(JobKeys.runState("job-f", 2)), 1);
        runs.save(s);
        assertThat(s.version).isEqualTo(5);
        assertThat(store.refused()).isEqualTo(1);
        assertThat(store.read(JobKeys.runState("job-f", 2), 1 << 20)).as("left full: it only takes space")
                .get().satisfies(b -> assertThat(b).isNotEmpty());
        assertThat(runs.latest("job-f", 5L).orElseThrow().stopReason).isEqualTo("save 4");
    }

    @Test
    void aVersionSavedTwiceLosesTheSecondTime() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunStore runs = new RunStore(store);
        RunState mine = saved(runs, "job-d", 1);
        RunState theirs = runs.latest("job-d", 1L).orElseThrow();
        runs.save(theirs);
        assertThatThrownBy(() -> runs.save(mine)).isInstanceOf(RunStore.RunConflictException.class);
        assertThat(store.read(JobKeys.runState("job-d", 2), 1 << 20)).isPresent();
    }
}
