package dev.conveyor.storage.azure;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Container names Azure accepts, one per job, and which containers a prefix reaches. */
class BlobLayoutTest {
    private static final String VALID = "[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*";
    private final BlobLayout layout = new BlobLayout("conveyor");

    @Test
    void everyJobIdGetsAValidContainerOfItsOwn() {
        List<String> ids = List.of("job-1", "Job-1", "job.1", "job_1", "JOB--1", "-", "a", "ünï", "x".repeat(64),
                "x".repeat(63) + "y", "job-01m7ygpn7p-h0r8gw3p");
        Set<String> names = new HashSet<>();
        for (String id : ids) {
            String c = layout.jobContainer(id);
            assertThat(c).as(id).hasSizeBetween(3, 63).matches(VALID).startsWith("conveyor-j-");
            names.add(c);
        }
        assertThat(names).hasSameSizeAs(ids);
        assertThat(layout.jobContainer("job-01m7ygpn7p-h0r8gw3p")).startsWith("conveyor-j-job-01m7ygpn7p-h0r8gw3p-");
        assertThat(layout.jobContainer("job-1")).isEqualTo(new BlobLayout("conveyor").jobContainer("job-1"));
    }

    @Test
    void jobKeysGoToTheJobsContainerAndTheRestToTheMainOne() {
        assertThat(layout.locate("jobs/j1/spec.json")).isEqualTo(new BlobLayout.Location(layout.jobContainer("j1"), "j1", "jobs/j1/spec.json"));
        assertThat(layout.locate("bench/x")).isEqualTo(new BlobLayout.Location("conveyor", null, "bench/x"));
        assertThat(layout.locate("jobsx/y").container()).isEqualTo("conveyor");
        for (String bad : List.of("jobs/j1/", "jobs/x", "jobs//y")) {
            assertThatThrownBy(() -> layout.locate(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPrefixReachesOneJobSomeJobsOrTheMainContainer() {
        assertThat(BlobLayout.scopeOf("jobs/j1/tasks/")).isEqualTo(BlobLayout.Scope.ONE_JOB);
        assertThat(BlobLayout.scopeOf("jobs/j")).isEqualTo(BlobLayout.Scope.SOME_JOBS);
        assertThat(BlobLayout.scopeOf("jobs/")).isEqualTo(BlobLayout.Scope.SOME_JOBS);
        assertThat(BlobLayout.scopeOf("")).isEqualTo(BlobLayout.Scope.MAIN_AND_JOBS);
        assertThat(BlobLayout.scopeOf("jobs")).isEqualTo(BlobLayout.Scope.MAIN_AND_JOBS);
        assertThat(BlobLayout.scopeOf("bench/")).isEqualTo(BlobLayout.Scope.MAIN_ONLY);
        assertThat(BlobLayout.jobMatches("j1", "jobs/j")).isTrue();
        assertThat(BlobLayout.jobMatches("j1", "jobs/j1/x")).isTrue();
        assertThat(BlobLayout.jobMatches("j10", "jobs/j1/")).isFalse();
    }

    @Test
    void aContainerPrefixAzureWouldRefuseIsRefusedAtStart() {
        for (String bad : List.of("ab", "Conveyor", "con--veyor", "-conveyor", "conveyor-", "con_veyor", "x".repeat(25))) {
            assertThatThrownBy(() -> new BlobLayout(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("container-prefix");
        }
    }
}
