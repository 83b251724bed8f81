package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** DescribeComputeEnvironments and DescribeJobQueues over the configured environments and queues. */
final class ComputeApi {

    private final ObjectMapper json;
    private final ComputeCatalog catalog;
    private final Arns arns;
    private final Object lock;

    ComputeApi(ObjectMapper json, ComputeCatalog catalog, Arns arns, Object lock) {
        this.json = json;
        this.catalog = catalog;
        this.arns = arns;
        this.lock = lock;
    }

    void register(Router router) {
        router.batch("DescribeComputeEnvironments", this::describeComputeEnvironments);
        router.batch("DescribeJobQueues", this::describeJobQueues);
    }

    JsonNode describeComputeEnvironments(ObjectNode request) {
        List<AwsBatchEmulatorOptions.ComputeEnvironment> selected = new ArrayList<>();
        List<String> wanted = Requests.strings(request, "computeEnvironments", 100);
        if (wanted.isEmpty()) {
            selected.addAll(catalog.environments());
        } else {
            wanted.forEach(w -> catalog.environment(w).filter(ce -> !selected.contains(ce)).ifPresent(selected::add));
        }
        selected.sort(Comparator.comparing(AwsBatchEmulatorOptions.ComputeEnvironment::name));
        Paging.Page<AwsBatchEmulatorOptions.ComputeEnvironment> page = Paging.page(selected,
                AwsBatchEmulatorOptions.ComputeEnvironment::name, request, 100, 100);
        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("computeEnvironments");
        synchronized (lock) {
            page.items().forEach(ce -> list.add(render(ce)));
        }
        if (page.nextToken() != null) {
            response.put("nextToken", page.nextToken());
        }
        return response;
    }

    JsonNode describeJobQueues(ObjectNode request) {
        List<AwsBatchEmulatorOptions.JobQueue> selected = new ArrayList<>();
        List<String> wanted = Requests.strings(request, "jobQueues", 100);
        if (wanted.isEmpty()) {
            selected.addAll(catalog.queues());
        } else {
            wanted.forEach(w -> catalog.queue(w).filter(q -> !selected.contains(q)).ifPresent(selected::add));
        }
        selected.sort(Comparator.comparing(AwsBatchEmulatorOptions.JobQueue::name));
        Paging.Page<AwsBatchEmulatorOptions.JobQueue> page =
                Paging.page(selected, AwsBatchEmulatorOptions.JobQueue::name, request, 100, 100);
        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("jobQueues");
        page.items().forEach(q -> list.add(render(q)));
        if (page.nextToken() != null) {
            response.put("nextToken", page.nextToken());
        }
        return response;
    }

    private ObjectNode render(AwsBatchEmulatorOptions.ComputeEnvironment ce) {
        ObjectNode node = json.createObjectNode();
        node.put("computeEnvironmentName", ce.name());
        node.put("computeEnvironmentArn", arns.computeEnvironment(ce.name()));
        node.put("ecsClusterArn", arns.ecsCluster(ce.name()));
        node.putObject("tags");
        node.put("type", "MANAGED");
        node.put("state", ce.disabled() ? "DISABLED" : "ENABLED");
        node.put("status", ce.invalidReason() == null ? "VALID" : "INVALID");
        node.put("statusReason", ce.invalidReason() == null ? "ComputeEnvironment Healthy" : ce.invalidReason());
        ObjectNode resources = node.putObject("computeResources");
        resources.put("type", "EC2");
        resources.put("allocationStrategy", "BEST_FIT_PROGRESSIVE");
        resources.put("minvCpus", 0);
        resources.put("maxvCpus", ce.maxVcpus());
        resources.put("desiredvCpus", catalog.usedVcpus(ce.name())); // nothing on an INVALID one
        resources.putArray("instanceTypes").add("optimal");
        resources.putArray("subnets");
        resources.putArray("securityGroupIds");
        resources.put("instanceRole", "arn:aws:iam::" + arns.accountId() + ":instance-profile/ecsInstanceRole");
        resources.putObject("tags");
        node.put("serviceRole", "arn:aws:iam::" + arns.accountId()
                + ":role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch");
        ObjectNode updatePolicy = node.putObject("updatePolicy");
        updatePolicy.put("terminateJobsOnUpdate", false);
        updatePolicy.put("jobExecutionTimeoutMinutes", 30);
        node.put("containerOrchestrationType", "ECS");
        node.put("uuid", UUID.nameUUIDFromBytes(ce.name().getBytes(StandardCharsets.UTF_8)).toString());
        return node;
    }

    private ObjectNode render(AwsBatchEmulatorOptions.JobQueue q) {
        ObjectNode node = json.createObjectNode();
        node.put("jobQueueName", q.name());
        node.put("jobQueueArn", arns.jobQueue(q.name()));
        node.put("state", "ENABLED");
        node.put("status", "VALID");
        node.put("statusReason", "JobQueue Healthy");
        node.put("priority", q.priority());
        ArrayNode order = node.putArray("computeEnvironmentOrder");
        for (int i = 0; i < q.computeEnvironments().size(); i++) {
            ObjectNode entry = order.addObject();
            entry.put("order", i + 1);
            entry.put("computeEnvironment", arns.computeEnvironment(q.computeEnvironments().get(i)));
        }
        node.putObject("tags");
        ArrayNode limits = node.putArray("jobStateTimeLimitActions");
        for (AwsBatchEmulatorOptions.StateTimeLimit limit : q.stateTimeLimits()) {
            ObjectNode action = limits.addObject();
            action.put("reason", limit.reason());
            action.put("state", "RUNNABLE");
            action.put("maxTimeSeconds", Math.max(1, limit.maxTime().toSeconds()));
            action.put("action", "CANCEL");
        }
        node.put("jobQueueType", "ECS_EC2");
        return node;
    }
}
