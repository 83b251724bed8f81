package dev.conveyor.bench;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.models.CloudJob;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run left on an emulated cloud backend, asked through the backend's own SDK with the
 * configuration the workers ran with: <b>orphans</b>, attempts still waiting or running after every job
 * had its result (AWS Batch jobs SUBMITTED…RUNNING in the queue, Azure Batch tasks not completed), and
 * <b>leftovers</b>, what clean-up should have removed (Azure Batch jobs not deleted; an AWS Batch job
 * ends by itself, and job definitions and pools are kept for reuse on purpose). And the calls the emulator
 * answered, by operation ({@code GET /emulator/stats}): what the service did there, so that a clean
 * count is seen to be of something.
 */
record CloudLeftovers(List<String> orphans, List<String> leftovers, Map<String, Integer> calls) {

    static CloudLeftovers of(String backend, Map<String, String> config) {
        return switch (backend) {
            case "aws-batch" -> aws(config);
            case "azure-batch" -> azure(config);
            default -> new CloudLeftovers(List.of(), List.of(), Map.of());
        };
    }

    private static CloudLeftovers aws(Map<String, String> c) {
        String queue = c.get("conveyor.profiles.default.defaults.job_queue_arn");
        List<String> orphans = new ArrayList<>();
        try (var batch = software.amazon.awssdk.services.batch.BatchClient.builder()
                .endpointOverride(URI.create(c.get("conveyor.profiles.default.aws.batch-endpoint")))
                .region(Region.of(c.get("AWS_DEFAULT_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.get("AWS_ACCESS_KEY_ID"), c.get("AWS_SECRET_ACCESS_KEY"))))
                .build()) {
            for (JobStatus s : List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE, JobStatus.STARTING,
                    JobStatus.RUNNING)) {
                for (JobSummary j : batch.listJobsPaginator(r -> r.jobQueue(queue).jobStatus(s)).jobSummaryList()) {
                    orphans.add(j.jobName() + " " + s);
                }
            }
        }
        return new CloudLeftovers(orphans, List.of(), calls(c.get("conveyor.profiles.default.aws.batch-endpoint")));
    }

    private static CloudLeftovers azure(Map<String, String> c) {
        String p = "conveyor.profiles.default.azure.";
        // the protocol layer, as the backend calls it: the client layer's list options fail its own
        // validation on Java 17 without --add-opens java.base/java.util
        var batch = BatchClient.open(new BatchSharedKeyCredentials(c.get(p + "batch-account-url"),
                c.get(p + "batch-account-name"), c.get(p + "batch-account-key"))).protocolLayer();
        List<String> orphans = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        for (CloudJob job : batch.jobs().list()) {
            if (job.state() == com.microsoft.azure.batch.protocol.models.JobState.DELETING) {
                continue;
            }
            leftovers.add(job.id() + " " + job.state());
            for (CloudTask task : batch.tasks().list(job.id())) {
                if (task.state() != com.microsoft.azure.batch.protocol.models.TaskState.COMPLETED) {
                    orphans.add(job.id() + "/" + task.id() + " " + task.state());
                }
            }
        }
        return new CloudLeftovers(orphans, leftovers, calls(c.get(p + "batch-account-url")));
    }

    private static Map<String, Integer> calls(String endpoint) {
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(endpoint + "/emulator/stats")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            // the AWS emulator answers the counts as they are, the Azure one under "requestCounts" (with a total)
            var json = dev.conveyor.model.Json.MAPPER.readTree(body);
            var counts = json.has("requestCounts") ? json.get("requestCounts") : json;
            Map<String, Integer> out = new java.util.TreeMap<>();
            counts.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
