package dev.conveyor.submission;

import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who holds a job id: the first valid request claims it (create-if-absent), a record delivered
 * again keeps it, any other request with that id is a DUPLICATE — never a REJECTED result under an
 * id another request holds — and a new job claims it and stores its spec together without first reading
 * the store (on S3 or Blob every call is a round trip); the stored spec is always the holder's.
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
    void aNewJobClaimsItsIdAndStoresItsSpecTogetherAndReadsNothing() throws Exception {
        SubmissionService.Outcome out = submit(GOOD, "conveyor.requests/0/1");

        assertThat(out).isInstanceOf(SubmissionService.Accepted.class);
        assertThat(store.reads()).isZero();
        assertThat(store.eaches()).as("the claim and the spec in one call: at once on S3 or Blob")
                .containsExactly(List.of(JobKeys.accepted("job-1"), JobKeys.spec("job-1")));
        JobSpecs.Ref ref = ((SubmissionService.Accepted) out).spec();
        assertThat(new JobSpecs(store).load(ref.key(), ref.hash()).id()).isEqualTo("job-1");
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
    void theStoredSpecIsAlwaysTheClaimHoldersEvenWhenADuplicatesLandedFirst() throws Exception {
        service();
        String other = GOOD.replace("\"command\":\"true\"", "\"command\":\"echo not mine\"");
        // the holder claimed the id and stopped before storing its spec (a crash; or it is just slower)
        store.putIfAbsent(JobKeys.accepted("job-1"), ("{\"source\":\"conveyor.requests/0/1@" + AT.toEpochMilli() + "\"}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(submit(other, "conveyor.requests/2/7")).isInstanceOf(SubmissionService.Duplicate.class);
        assertThat(new String(store.read(JobKeys.spec("job-1"), 1 << 20).orElseThrow(), StandardCharsets.UTF_8))
                .as("the duplicate's spec got there first").contains("echo not mine");

        SubmissionService.Outcome again = submit(GOOD, "conveyor.requests/0/1"); // the holder's record, again
        assertThat(again).isInstanceOf(SubmissionService.Accepted.class);
        JobSpecs.Ref ref = ((SubmissionService.Accepted) again).spec();
        assertThat(new String(store.read(ref.key(), 1 << 20).orElseThrow(), StandardCharsets.UTF_8))
                .as("the holder's spec over it").doesNotContain("echo not mine");
        assertThat(new JobSpecs(store).load(ref.key(), ref.hash()).tasks().get(0).command()).isEqualTo("true");
        assertThat(submit(other, "conveyor.requests/2/8")).as("and a later duplicate does not replace it")
                .isInstanceOf(SubmissionService.Duplicate.class);
        assertThat(new JobSpecs(store).load(ref.key(), ref.hash()).tasks().get(0).command()).isEqualTo("true");
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
