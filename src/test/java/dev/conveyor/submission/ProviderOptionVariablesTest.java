package dev.conveyor.submission;

import dev.conveyor.model.Problem;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A {@code ${NAME}} in {@code runsOn.with} names a variable of the service's environment; a request
 * may name only the variables the operator allow-listed, so no Kafka producer can pull another
 * service secret into provider options.
 */
class ProviderOptionVariablesTest {

    private static final Set<String> PROVIDERS = Set.of("local", "noop", "azure-batch", "aws-batch");
    private final RequestReader reader = new RequestReader();

    @TempDir
    Path store;

    private List<Problem> problems(RequestValidator validator, String yaml) throws UnreadableRequestException {
        return validator.validate(reader.read(yaml.getBytes(StandardCharsets.UTF_8)), PROVIDERS);
    }

    private List<Problem> problems(String yaml) throws UnreadableRequestException {
        return problems(new RequestValidator(new JsonSchemas()), yaml);
    }

    @Test
    void theVariablesTheDdeutilAndCovalentDocsUseAreAllowedByDefault() throws Exception {
        assertThat(problems("""
                runsOn:
                  type: azure-batch
                  with:
                    batch_account_name: "${AZURE_BATCH_ACCOUNT_NAME}"
                    batch_account_key: "${AZURE_BATCH_ACCOUNT_KEY}"
                    batch_account_url: "https://${AZURE_BATCH_ACCOUNT_NAME}.westeurope.batch.azure.com"
                    storage_account_name: "${AZURE_STORAGE_ACCOUNT_NAME}"
                    storage_account_key: "${AZURE_STORAGE_ACCOUNT_KEY}"
                    tenant_id: "${AZURE_TENANT_ID}"
                    client_id: "${AZURE_CLIENT_ID}"
                    client_secret: "${AZURE_CLIENT_SECRET}"
                    pool_id: conveyor-pool
                    literal_dollar: "pa$$word$"
                tasks: [{id: a, command: 'true'}]
                """)).isEmpty();
        assertThat(problems("""
                runsOn:
                  type: aws-batch
                  with: {job_queue_arn: "${AWS_BATCH_JOB_QUEUE_ARN}", s3_bucket: "${AWS_S3_BUCKET}",
                         region_name: "${AWS_DEFAULT_REGION}", aws_access_key_id: "${AWS_ACCESS_KEY_ID}",
                         aws_secret_access_key: "${AWS_SECRET_ACCESS_KEY}", token: "${AWS_SESSION_TOKEN}", r: "${AWS_REGION}"}
                tasks: [{id: a, command: 'true'}]
                """)).isEmpty();
    }

    @Test
    void aVariableOffTheAllowListIsRejectedAtTheOptionsPath() throws Exception {
        assertThat(problems("""
                runsOn: {type: azure-batch, with: {batch_account_key: "${FOO}", url: "x${HOME}y${PATH}", ok: "${AZURE_CLIENT_ID}"}}
                tasks: [{id: a, command: 'true'}]
                """)).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.runsOn.with.batch_account_key", "refers to ${FOO}, which this service does not allow requests "
                        + "to use (conveyor.credentials.allowed-variables)"),
                tuple("$.runsOn.with.url", "refers to ${HOME} and ${PATH}, which this service does not allow requests "
                        + "to use (conveyor.credentials.allowed-variables)"));
    }

    @Test
    void malformedReferencesAreRejected() throws Exception {
        List<Problem> problems = problems("""
                runsOn:
                  type: noop
                  with: {a: "${AZURE_CLIENT_ID", b: "${}", c: "${1KEY}", d: "${AZURE-KEY}", e: "${AZURE_CLIENT_ID:-x}", f: "${${AZURE_CLIENT_ID}}"}
                tasks: [{id: a, command: 'true'}]
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.runsOn.with.a", "$.runsOn.with.b", "$.runsOn.with.c", "$.runsOn.with.d", "$.runsOn.with.e", "$.runsOn.with.f");
        assertThat(problems).extracting(Problem::message)
                .allMatch(m -> m.contains("is not a valid variable reference") && m.contains("${NAME}"));
    }

    @Test
    void theOperatorsAllowListReplacesTheDefault() throws Exception {
        RequestValidator validator = new RequestValidator(new JsonSchemas(), 10_000, 10_000, Set.of("POOL_KEY"));
        assertThat(problems(validator, """
                runsOn: {type: noop, with: {key: "${POOL_KEY}", other: "${AZURE_BATCH_ACCOUNT_KEY}"}}
                tasks: [{id: a, command: 'true'}]
                """)).extracting(Problem::path).containsExactly("$.runsOn.with.other");
    }

    @Test
    void aDdeutilRunsOnBlockIsCheckedAtTheFilesOwnPath() throws Exception {
        SubmissionService service = new SubmissionService(reader, new RequestValidator(new JsonSchemas()),
                new JobNormalizer(), new FileObjectStore(store), PROVIDERS);
        SubmissionService.Outcome outcome = service.submit(record("""
                jobs:
                  j:
                    runs-on:
                      type: azure_batch
                      with:
                        batch_account_key: "${AZURE_BATCH_ACCOUNT_KEY}"
                        stolen: "${KAFKA_SASL_PASSWORD}"
                    stages: [{echo: hi}]
                """, "1"));
        assertThat(outcome).isInstanceOf(SubmissionService.Rejected.class);
        assertThat(((SubmissionService.Rejected) outcome).problems()).extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.jobs.j['runs-on'].with.stolen", "refers to ${KAFKA_SASL_PASSWORD}, which this "
                        + "service does not allow requests to use (conveyor.credentials.allowed-variables)"));
    }

    @Test
    void theDdeutilExamplesAreStillAccepted() throws Exception {
        SubmissionService service = new SubmissionService(reader, new RequestValidator(new JsonSchemas()),
                new JobNormalizer(), new FileObjectStore(store), Set.of("local"));
        for (String example : List.of("ddeutil-etl.yaml", "ddeutil-matrix.yaml")) {
            assertThat(service.submit(record(Files.readString(Path.of("examples", example)), example)))
                    .as(example).isInstanceOf(SubmissionService.Accepted.class);
        }
    }

    private static SubmissionService.Record record(String text, String offset) {
        return new SubmissionService.Record(text.getBytes(StandardCharsets.UTF_8), null, "conveyor.requests/0/" + offset,
                Instant.parse("2026-11-21T07:30:00Z"));
    }
}
