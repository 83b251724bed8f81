package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns a SubmitJob request into a job (and, for an array job, its children), validating as the service does. */
final class JobFactory {

    static final int MAX_DEPENDENCIES = 20;
    static final int MAX_ARRAY_SIZE = 10_000;

    private final ObjectMapper json;
    private final JobEngine engine;
    private final JobDefinitionRegistry definitions;
    private final ComputeCatalog catalog;

    JobFactory(ObjectMapper json, JobEngine engine, JobDefinitionRegistry definitions, ComputeCatalog catalog) {
        this.json = json;
        this.engine = engine;
        this.definitions = definitions;
        this.catalog = catalog;
    }

    BatchJob create(ObjectNode request) {
        String jobName = Requests.name(request, "jobName");
        String queueRef = Requests.required(request, "jobQueue");
        String queue = catalog.queue(queueRef)
                .orElseThrow(() -> ApiException.client("JobQueue " + queueRef + " not found")).name();
        JobDefinition definition = definition(Requests.required(request, "jobDefinition"));
        ObjectNode defBody = definition.body();
        if (Requests.has(request, "nodeOverrides") || Requests.has(request, "eksPropertiesOverride")
                || Requests.has(request, "ecsPropertiesOverride")) {
            throw ApiException.client("The emulator supports containerOverrides only");
        }

        ObjectNode parameters = defBody.path("parameters").isObject()
                ? ((ObjectNode) defBody.get("parameters")).deepCopy() : json.createObjectNode();
        if (request.get("parameters") instanceof ObjectNode given) {
            parameters.setAll(given);
        }
        JsonNode retry = Requests.has(request, "retryStrategy") ? request.get("retryStrategy") : defBody.get("retryStrategy");
        Validation.retryStrategy(retry);
        JsonNode timeout = Requests.has(request, "timeout") ? request.get("timeout") : defBody.get("timeout");
        Validation.timeout(timeout);
        ObjectNode tags = json.createObjectNode();
        if (request.get("tags") instanceof ObjectNode given) {
            tags.setAll(given);
        }
        boolean propagate = Requests.has(request, "propagateTags")
                ? request.get("propagateTags").asBoolean() : defBody.path("propagateTags").asBoolean(false);
        Integer priority = Requests.has(request, "schedulingPriorityOverride")
                ? Integer.valueOf(request.get("schedulingPriorityOverride").asInt())
                : defBody.has("schedulingPriority") ? defBody.get("schedulingPriority").asInt() : null;

        ObjectNode container = ContainerResolver.resolve((ObjectNode) defBody.get("containerProperties"),
                request.get("containerOverrides"), parameters);
        BatchJob.Spec spec = new BatchJob.Spec(jobName, queue, definition, parameters, container,
                ContainerResolver.command(container), ContainerResolver.environment(container),
                ContainerResolver.vcpus(container),
                retry == null || !retry.has("attempts") ? 1 : retry.get("attempts").asInt(),
                retry == null || retry.isNull() ? null : retry.deepCopy(),
                timeout == null || !timeout.has("attemptDurationSeconds") ? null : timeout.get("attemptDurationSeconds").asLong(),
                tags, propagate, priority, Requests.text(request, "shareIdentifier"));

        int size = arraySize(request);
        ArrayNode dependsOn = request.get("dependsOn") instanceof ArrayNode given ? given.deepCopy() : json.createArrayNode();
        List<String> parentWaits = new ArrayList<>();
        List<String> nToN = new ArrayList<>();
        boolean sequential = dependencies(dependsOn, size, parentWaits, nToN);

        String jobId = UUID.randomUUID().toString();
        BatchJob job = new BatchJob(engine.nextSeq(), jobId, engine.arns().job(jobId), spec, System.currentTimeMillis(),
                dependsOn, size > 0 ? List.of() : parentWaits, size, -1, null);
        for (int i = 0; i < size; i++) {
            ArrayNode childDeps = json.createArrayNode();
            List<String> waits = new ArrayList<>(parentWaits);
            parentWaits.forEach(id -> childDeps.addObject().put("jobId", id));
            for (String target : nToN) {
                waits.add(target + ":" + i);
                childDeps.addObject().put("jobId", target + ":" + i).put("type", "N_TO_N");
            }
            if (sequential && i > 0) {
                waits.add(jobId + ":" + (i - 1));
                childDeps.addObject().put("jobId", jobId + ":" + (i - 1)).put("type", "SEQUENTIAL");
            }
            String childId = jobId + ":" + i;
            job.children.add(new BatchJob(engine.nextSeq(), childId, engine.arns().job(childId), spec, job.createdAt,
                    childDeps, waits, 0, i, job));
        }
        return job;
    }

    private JobDefinition definition(String reference) {
        JobDefinition definition = definitions.exact(reference)
                .or(() -> reference.contains(":") ? java.util.Optional.empty() : definitions.latestActive(reference))
                .orElseThrow(() -> ApiException.client("Job definition " + reference + " does not exist"));
        if (!definition.active()) {
            throw ApiException.client("Job definition " + definition.arn() + " is INACTIVE");
        }
        return definition;
    }

    private static int arraySize(ObjectNode request) {
        JsonNode array = request.get("arrayProperties");
        if (array == null || array.isNull() || !array.has("size")) {
            return 0;
        }
        int size = array.get("size").asInt();
        if (size < 2 || size > MAX_ARRAY_SIZE) {
            throw ApiException.client("Array size must be between 2 and " + MAX_ARRAY_SIZE);
        }
        return size;
    }

    /** Fills what the job (or each child) waits for; returns whether the array runs its children in sequence. */
    private boolean dependencies(ArrayNode dependsOn, int size, List<String> plain, List<String> nToN) {
        if (dependsOn.size() > MAX_DEPENDENCIES) {
            throw ApiException.client("A job can depend on at most " + MAX_DEPENDENCIES + " jobs");
        }
        boolean sequential = false;
        for (JsonNode dep : dependsOn) {
            String type = Requests.text(dep, "type");
            String id = Requests.text(dep, "jobId");
            if ("SEQUENTIAL".equals(type)) {
                if (size == 0) {
                    throw ApiException.client("SEQUENTIAL dependencies are only valid for array jobs");
                }
                sequential = true;
                continue;
            }
            if (id == null || id.isEmpty()) {
                throw ApiException.client("dependsOn.jobId is required");
            }
            BatchJob target = engine.job(id).orElseThrow(() -> ApiException.client("Dependent job " + id + " not found"));
            if ("N_TO_N".equals(type)) {
                if (size == 0 || target.arraySize != size) {
                    throw ApiException.client("N_TO_N dependencies need two array jobs of the same size");
                }
                nToN.add(id);
            } else if (type == null) {
                plain.add(id);
            } else {
                throw ApiException.client("dependsOn.type must be N_TO_N or SEQUENTIAL");
            }
        }
        return sequential;
    }
}
