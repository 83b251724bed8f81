package dev.conveyor.submission;

import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who holds a job id: the first valid request claims it (create-if-absent), a record delivered
 * again keeps it, any other request with that id is a DUPLICATE — never a REJECTED result under an
 * id another request holds — and a new job claims it without first reading the store (on S3 or
 * Blob every read is a round trip).
 */
class SubmissionServiceTest {
    private static final Instant AT = Instant.parse("2026-12-07T03:00:00Z");
    private static final String GOOD = "{\"id\":\"job-1\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}";
    private static final String BAD = "{\"id\":\"job-1\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\"}]}";

    @TempDir
    Path dir;

    private FaultyStore store;
    private SubmissionService service;

    private SubmissionService service() {
        if (service == null) {
            store = new FaultyStore(new FileObjectStore(dir));
            service = new SubmissionService(new RequestReader(), new RequestValidator(new JsonSchemas()),
                    new JobNormalizer(), store, Set.of("noop"));
        }
        return service;
    }

    private SubmissionService.Outcome submit(String text, String source) throws Exception {
        return service().submit(new SubmissionService.Record(text.getBytes(StandardCharsets.UTF_8), null, source, AT));
    }

    @Test
    void aNewJobClaimsItsIdWithOneWriteAndNoRead() throws Exception {
        SubmissionService.Outcome out = submit(GOOD, "conveyor.requests/0/1");

        assertThat(out).isInstanceOf(SubmissionService.Accepted.class);
        assertThat(store.reads()).isZero();
        assertThat(store.read(JobKeys.accepted("job-1"), 4096)).hasValueSatisfying(
                b -> assertThat(new String(b, StandardCharsets.UTF_8)).contains("conveyor.requests/0/1@"));
    }

    @Test
    void theSameRecordAgainIsAcceptedAgainUntilTheJobHasItsResult() throws Exception {
        assertThat(submit(GOOD, "conveyor.requests/0/1")).isInstanceOf(SubmissionService.Accepted.class);
        assertThat(submit(GOOD, "conveyor.requests/0/1")).isInstanceOf(SubmissionService.Accepted.class);

        store.put(JobKeys.result("job-1"), "{\"state\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(submit(GOOD, "conveyor.requests/0/1")).isEqualTo(new SubmissionService.AlreadyDone("job-1"));
    }

    @Test
    void anotherRequestWithATakenIdIsADuplicateWhetherValidOrNot() throws Exception {
        submit(GOOD, "conveyor.requests/0/1");
        String holder = "conveyor.requests/0/1@" + AT.toEpochMilli();

        assertThat(submit(GOOD, "conveyor.requests/2/7")).isEqualTo(new SubmissionService.Duplicate("job-1", holder));
        assertThat(submit(BAD, "conveyor.requests/2/8")).isEqualTo(new SubmissionService.Duplicate("job-1", holder));
    }

    @Test
    void aRejectedRequestLeavesItsIdFree() throws Exception {
        SubmissionService.Outcome rejected = submit(BAD, "conveyor.requests/0/1");

        assertThat(rejected).isInstanceOf(SubmissionService.Rejected.class);
        assertThat(((SubmissionService.Rejected) rejected).problems())
                .anySatisfy(p -> assertThat(p.path()).startsWith("$.tasks[0]"));
        assertThat(store.read(JobKeys.accepted("job-1"), 4096)).isEmpty();
        assertThat(submit(GOOD, "conveyor.requests/0/2")).isInstanceOf(SubmissionService.Accepted.class);
    }
}
