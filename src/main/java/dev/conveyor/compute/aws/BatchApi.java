package dev.conveyor.compute.aws;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.AwsSdkCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every AWS SDK call of the backend, for one account: AWS Batch (a client with the SDK's standard
 * retries for reads, and one without any for SubmitJob, which is not idempotent and is paced and
 * retried by the backend itself) and CloudWatch Logs. SDK errors come out typed: throttling, 5xx and
 * connection trouble as {@link TransientComputeException}, the rest as {@link TerminalComputeException}
 * with AWS's code and message (never a credential: the SDK signs in headers).
 */
final class BatchApi implements AutoCloseable {
    /** Reads (describe, list) are idempotent: the SDK retries them, with its backoff, this many times in all. */
    private static final int READ_ATTEMPTS = 6;
    private final SdkHttpClient http;
    private final BatchClient batch;
    private final BatchClient submitter;
    private final CloudWatchLogsClient logs;

    BatchApi(AwsAccount account) {
        this.http = Apache5HttpClient.builder().maxConnections(32).connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60)).build();
        AwsCredentialsProvider credentials = AwsSdkCredentials.of(account);
        Region region = Region.of(account.region());
        var b = BatchClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(READ_ATTEMPTS).build()));
        var s = BatchClient.builder().region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        var l = CloudWatchLogsClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
        if (account.batchEndpoint() != null && !account.batchEndpoint().isBlank()) {
            b.endpointOverride(URI.create(account.batchEndpoint()));
            s.endpointOverride(URI.create(account.batchEndpoint()));
        }
        String logsEndpoint = account.logsEndpoint() != null ? account.logsEndpoint() : account.batchEndpoint();
        if (logsEndpoint != null && !logsEndpoint.isBlank()) {
            l.endpointOverride(URI.create(logsEndpoint));
        }
        this.batch = b.build();
        this.submitter = s.build();
        this.logs = l.build();
    }

    /** The queue by name or ARN, if it exists. */
    Optional<JobQueueDetail> queue(String nameOrArn) {
        return call("DescribeJobQueues", () -> batch.describeJobQueues(r -> r.jobQueues(nameOrArn)).jobQueues().stream().findFirst());
    }

    /** The compute environments by ARN (one DescribeComputeEnvironments, ≤ 100 of them). */
    List<software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail> computeEnvironments(List<String> arns) {
        return call("DescribeComputeEnvironments",
                () -> batch.describeComputeEnvironments(r -> r.computeEnvironments(arns)).computeEnvironments());
    }

    /** One SubmitJob, no SDK retries: returns the AWS job id. */
    String submit(SubmitJobRequest request) {
        return call("SubmitJob", () -> submitter.submitJob(request).jobId());
    }

    /** Up to 100 ids, one DescribeJobs. */
    List<JobDetail> describe(List<String> ids) {
        return call("DescribeJobs", () -> batch.describeJobs(r -> r.jobs(ids)).jobs());
    }

    /** Every job (any status) whose name matches {@code pattern} (exact, or ending in {@code *}), newest first. */
    List<JobSummary> jobsNamed(String queue, String pattern) {
        return listAll(ListJobsRequest.builder().jobQueue(queue)
                .filters(KeyValuesPair.builder().name("JOB_NAME").values(pattern).build()));
    }

    /** Jobs of a queue that used the definition {@code name}, newest first, at most one page. */
    List<JobSummary> jobsUsing(String queue, String definitionName) {
        return call("ListJobs", () -> batch.listJobs(r -> r.jobQueue(queue).maxResults(1)
                .filters(KeyValuesPair.builder().name("JOB_DEFINITION").values(definitionName).build())).jobSummaryList());
    }

    /**
     * The children of an array job, every status, in one ListJobs per 1,000 (a name filter makes
     * ListJobs return every status; children carry their parent's name).
     */
    List<JobSummary> children(String arrayJobId, String jobName) {
        return listAll(ListJobsRequest.builder().arrayJobId(arrayJobId)
                .filters(KeyValuesPair.builder().name("JOB_NAME").values(jobName).build()));
    }

    /** Jobs of a queue in one status. */
    List<JobSummary> jobsIn(String queue, JobStatus status) {
        return listAll(ListJobsRequest.builder().jobQueue(queue).jobStatus(status));
    }

    private List<JobSummary> listAll(ListJobsRequest.Builder request) {
        List<JobSummary> out = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListJobsResponse page = call("ListJobs", () -> batch.listJobs(request.maxResults(1000).nextToken(t).build()));
            out.addAll(page.jobSummaryList());
            token = page.nextToken();
        } while (token != null);
        return out;
    }

    void cancel(String jobId, String reason) {
        call("CancelJob", () -> batch.cancelJob(r -> r.jobId(jobId).reason(reason)));
    }

    void terminate(String jobId, String reason) {
        call("TerminateJob", () -> batch.terminateJob(r -> r.jobId(jobId).reason(reason)));
    }

    /** The ACTIVE revisions of one definition name. */
    List<JobDefinition> definitions(String name) {
        return call("DescribeJobDefinitions", () -> batch.describeJobDefinitions(r -> r.jobDefinitionName(name).status("ACTIVE"))
                .jobDefinitions());
    }

    /** Every ACTIVE definition of the account, paged. */
    List<JobDefinition> activeDefinitions() {
        List<JobDefinition> out = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            var page = call("DescribeJobDefinitions", () -> batch.describeJobDefinitions(r -> r.status("ACTIVE").maxResults(100).nextToken(t)));
            out.addAll(page.jobDefinitions());
            token = page.nextToken();
        } while (token != null);
        return out;
    }

    String register(RegisterJobDefinitionRequest request) {
        return call("RegisterJobDefinition", () -> batch.registerJobDefinition(request).jobDefinitionArn());
    }

    void deregister(String arn) {
        call("DeregisterJobDefinition", () -> batch.deregisterJobDefinition(r -> r.jobDefinition(arn)));
    }

    /** The last {@code lines} events of a log stream (one GetLogEvents). */
    List<String> logTail(String group, String stream, int lines) {
        return call("GetLogEvents", () -> logs.getLogEvents(r -> r.logGroupName(group).logStreamName(stream)
                .startFromHead(false).limit(lines)).events().stream().map(OutputLogEvent::message).toList());
    }

    /**
     * The cheapest proof that the credentials and the endpoint work: one DescribeJobQueues, through the
     * client that does not retry — readiness asks whether the account
     * answers, and a throttled account answers at once (typed as throttled) instead of after the read
     * client's backoff, which outlasts the health check's timeout.
     */
    void check() {
        call("DescribeJobQueues", () -> submitter.describeJobQueues(r -> r.maxResults(1)));
    }

    static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw typed(operation, e);
        }
    }

    static ComputeException typed(String operation, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            String msg = operation + " failed: " + code + ": " + message(s);
            boolean throttled = s.statusCode() == 429 || s.isThrottlingException() || code.contains("TooManyRequests")
                    || code.contains("Throttl");
            if (throttled || s.statusCode() >= 500 || s.statusCode() == 408) {
                return new TransientComputeException(msg, retryAfter(s), throttled, e);
            }
            return new TerminalComputeException(code, msg, e);
        }
        if (e instanceof SdkClientException && !e.retryable() && e.getMessage() != null
                && e.getMessage().contains("credentials")) {
            return new TerminalComputeException("Credentials", operation + " failed: " + e.getMessage(), e);
        }
        return new TransientComputeException(operation + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    private static String code(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        String code = d == null ? null : d.errorCode();
        return code == null || code.isBlank() ? "HTTP " + e.statusCode() : code;
    }

    private static String message(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        return d != null && d.errorMessage() != null ? d.errorMessage() : String.valueOf(e.getMessage());
    }

    private static Duration retryAfter(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        if (d == null || d.sdkHttpResponse() == null) {
            return null;
        }
        return d.sdkHttpResponse().firstMatchingHeader("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip())));
            } catch (NumberFormatException notSeconds) {
                return null;
            }
        }).orElse(null);
    }

    @Override
    public void close() {
        batch.close();
        submitter.close();
        logs.close();
        http.close();
    }
}
