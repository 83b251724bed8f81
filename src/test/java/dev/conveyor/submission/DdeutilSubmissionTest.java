package dev.conveyor.submission;

import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** A ddeutil-workflow document published as a request: translated, validated, normalised. */
class DdeutilSubmissionTest {

    @TempDir
    Path store;

    private SubmissionService service() {
        return new SubmissionService(new RequestReader(), new RequestValidator(new JsonSchemas()), new JobNormalizer(),
                new FileObjectStore(store), Set.of("local"));
    }

    private static SubmissionService.Record record(byte[] bytes, String offset) {
        return new SubmissionService.Record(bytes, null, "conveyor.requests/0/" + offset, Instant.parse("2026-11-21T07:30:00Z"));
    }

    @Test
    void aDdeutilFileIsAccepted() throws Exception {
        SubmissionService.Outcome outcome = service().submit(record(
                Files.readAllBytes(Path.of("examples", "ddeutil-etl.yaml")), "1"));
        assertThat(outcome).isInstanceOf(SubmissionService.Accepted.class);
        var job = ((SubmissionService.Accepted) outcome).job();
        assertThat(job.name()).isEqualTo("etl-daily");
        assertThat(job.tasks()).extracting(TaskSpec::id).contains("write-raw", "sum-values");
    }

    @Test
    void aBadDdeutilFileIsRejectedAtItsOwnPaths() throws Exception {
        SubmissionService.Outcome outcome = service().submit(record("""
                id: wf-1
                wf:
                  type: Workflow
                  jobs:
                    a:
                      runs-on: {type: aws_batch}
                      stages: [{echo: "${{ params.missing }}"}]
                """.getBytes(StandardCharsets.UTF_8), "2"));
        assertThat(outcome).isInstanceOf(SubmissionService.Rejected.class);
        SubmissionService.Rejected rejected = (SubmissionService.Rejected) outcome;
        assertThat(rejected.jobId()).isEqualTo("wf-1");
        assertThat(rejected.problems()).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.wf.jobs.a['runs-on'].type", "provider 'aws-batch' is not enabled on this service (enabled: local)"),
                tuple("$.wf.jobs.a.stages[0].echo", "'${{ params.missing }}': unknown param 'missing' (there are none)"));
    }
}
