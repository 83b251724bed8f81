package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Map;

/** A job as DescribeJobs (JobDetail) and ListJobs (JobSummary) show it. Call under the engine lock. */
final class JobRenderer {

    private final ObjectMapper json;
    private final Arns arns;

    JobRenderer(ObjectMapper json, Arns arns) {
        this.json = json;
        this.arns = arns;
    }

    ObjectNode detail(BatchJob job) {
        ObjectNode node = json.createObjectNode();
        node.put("jobArn", job.jobArn);
        node.put("jobName", job.spec.jobName());
        node.put("jobId", job.jobId);
        node.put("jobQueue", arns.jobQueue(job.spec.queueName()));
        node.put("status", job.status.name());
        if (job.spec.shareIdentifier() != null) {
            node.put("shareIdentifier", job.spec.shareIdentifier());
        }
        if (job.spec.schedulingPriority() != null) {
            node.put("schedulingPriority", job.spec.schedulingPriority());
        }
        ArrayNode attempts = node.putArray("attempts");
        job.attempts.forEach(a -> attempts.add(attempt(a)));
        if (job.statusReason != null) {
            node.put("statusReason", job.statusReason);
        }
        node.put("createdAt", job.createdAt);
        if (job.spec.retryStrategy() != null) {
            node.set("retryStrategy", job.spec.retryStrategy().deepCopy());
        }
        putTimes(node, job);
        node.set("dependsOn", job.dependsOn.deepCopy());
        node.put("jobDefinition", job.spec.definition().arn());
        node.set("parameters", job.spec.parameters().deepCopy());
        node.set("container", container(job));
        if (job.isArrayParent() || job.isArrayChild()) {
            node.set("arrayProperties", arrayProperties(job));
        }
        if (job.spec.timeoutSeconds() != null) {
            node.putObject("timeout").put("attemptDurationSeconds", job.spec.timeoutSeconds());
        }
        node.set("tags", job.spec.tags().deepCopy());
        node.put("propagateTags", job.spec.propagateTags());
        JsonNode platform = job.spec.definition().body().get("platformCapabilities");
        node.set("platformCapabilities", platform != null ? platform.deepCopy() : json.createArrayNode().add("EC2"));
        node.putArray("eksAttempts");
        node.put("isCancelled", job.cancelled);
        node.put("isTerminated", job.terminated);
        return node;
    }

    ObjectNode summary(BatchJob job) {
        ObjectNode node = json.createObjectNode();
        node.put("jobArn", job.jobArn);
        node.put("jobId", job.jobId);
        node.put("jobName", job.spec.jobName());
        node.put("createdAt", job.createdAt);
        node.put("status", job.status.name());
        if (job.statusReason != null) {
            node.put("statusReason", job.statusReason);
        }
        putTimes(node, job);
        Attempt last = job.latestAttempt();
        if (last != null && (last.exitCode != null || last.reason != null)) {
            ObjectNode container = node.putObject("container");
            if (last.exitCode != null) {
                container.put("exitCode", last.exitCode);
            }
            if (last.reason != null) {
                container.put("reason", last.reason);
            }
        }
        if (job.isArrayParent()) {
            node.putObject("arrayProperties").put("size", job.arraySize);
        } else if (job.isArrayChild()) {
            node.putObject("arrayProperties").put("index", job.arrayIndex);
        }
        node.put("jobDefinition", job.spec.definition().arn());
        return node;
    }

    private static void putTimes(ObjectNode node, BatchJob job) {
        if (job.startedAt != null) {
            node.put("startedAt", job.startedAt);
        }
        if (job.stoppedAt != null) {
            node.put("stoppedAt", job.stoppedAt);
        }
    }

    private ObjectNode container(BatchJob job) {
        ObjectNode container = job.spec.container().deepCopy();
        container.putArray("networkInterfaces");
        Attempt a = job.latestAttempt();
        if (a != null) {
            putRuntime(container, a);
        }
        return container;
    }

    private ObjectNode attempt(Attempt a) {
        ObjectNode node = json.createObjectNode();
        ObjectNode container = node.putObject("container");
        putRuntime(container, a);
        container.putArray("networkInterfaces");
        node.put("startedAt", a.startedAt);
        if (a.stoppedAt != null) {
            node.put("stoppedAt", a.stoppedAt);
        }
        if (a.statusReason != null) {
            node.put("statusReason", a.statusReason);
        }
        return node;
    }

    private void putRuntime(ObjectNode container, Attempt a) {
        container.put("containerInstanceArn", "arn:aws:ecs:" + arns.region() + ":" + arns.accountId()
                + ":container-instance/AWSBatch-" + a.computeEnvironment + "/emulator");
        container.put("taskArn", arns.ecsTask(a.computeEnvironment, a.taskId));
        if (a.exitCode != null) {
            container.put("exitCode", a.exitCode);
        }
        if (a.reason != null) {
            container.put("reason", a.reason);
        }
        container.put("logStreamName", a.logStreamName);
    }

    private ObjectNode arrayProperties(BatchJob job) {
        ObjectNode node = json.createObjectNode();
        if (job.isArrayChild()) {
            node.put("index", job.arrayIndex);
            return node;
        }
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0);
        }
        job.children.forEach(c -> counts.merge(c.status, 1, Integer::sum));
        ObjectNode summary = node.putObject("statusSummary");
        counts.forEach((s, n) -> summary.put(s.name(), n));
        node.put("statusSummaryLastUpdatedAt", System.currentTimeMillis());
        node.put("size", job.arraySize);
        return node;
    }
}
