package dev.conveyor.control;

import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a stage asks before it works on a job: cancelled (and why)? answered already? */
class CancelRegistryTest {
    @TempDir
    Path dir;

    @Test
    void aCheckSeesTheCancelAndTheResultEachOnItsOwn() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        CancelRegistry cancels = new CancelRegistry(store);

        assertThat(cancels.check("j1")).isEqualTo(new CancelRegistry.Check(Optional.empty(), false));

        cancels.request("j1", "no longer needed");
        cancels.request("j1", "a second cancel does not replace the first");
        assertThat(cancels.check("j1")).isEqualTo(new CancelRegistry.Check(Optional.of("no longer needed"), false));

        store.put(JobKeys.result("j1"), "{\"state\":\"CANCELLED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(cancels.check("j1")).isEqualTo(new CancelRegistry.Check(Optional.of("no longer needed"), true));

        store.put(JobKeys.result("j2"), "{\"state\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(cancels.check("j2")).isEqualTo(new CancelRegistry.Check(Optional.empty(), true));
    }

    @Test
    void aCheckReadsTheCallersDocumentsInTheSameCall() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        CancelRegistry cancels = new CancelRegistry(store);
        store.put("jobs/j3/run/000000000002.json", "{\"version\":2}".getBytes(StandardCharsets.UTF_8));
        cancels.request("j3", "stop");

        CancelRegistry.Checked checked = cancels.check("j3",
                List.of("jobs/j3/run/000000000002.json", "jobs/j3/run/000000000003.json"));

        assertThat(checked.check()).isEqualTo(new CancelRegistry.Check(Optional.of("stop"), false));
        assertThat(checked.alsoRead()).hasSize(2);
        assertThat(new String(checked.alsoRead().get(0).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"version\":2}");
        assertThat(checked.alsoRead().get(1)).isEmpty();
        assertThat(store.readRounds()).as("one read call for the check and the caller's documents").containsExactly(List.of(
                JobKeys.cancel("j3"), JobKeys.result("j3"), "jobs/j3/run/000000000002.json", "jobs/j3/run/000000000003.json"));
    }
}
