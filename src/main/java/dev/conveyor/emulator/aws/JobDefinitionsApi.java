package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** RegisterJobDefinition, DescribeJobDefinitions, DeregisterJobDefinition. */
final class JobDefinitionsApi {

    private static final List<String> COPIED = List.of("parameters", "schedulingPriority", "retryStrategy",
            "timeout", "tags", "propagateTags", "platformCapabilities");
    private static final List<String> CONTAINER_LISTS = List.of("volumes", "environment", "mountPoints", "ulimits",
            "resourceRequirements", "secrets");

    private final ObjectMapper json;
    private final JobDefinitionRegistry registry;

    JobDefinitionsApi(ObjectMapper json, JobDefinitionRegistry registry) {
        this.json = json;
        this.registry = registry;
    }

    void register(Router router) {
        router.batch("RegisterJobDefinition", this::registerJobDefinition);
        router.batch("DescribeJobDefinitions", this::describeJobDefinitions);
        router.batch("DeregisterJobDefinition", this::deregisterJobDefinition);
    }

    JsonNode registerJobDefinition(ObjectNode request) {
        String name = Requests.name(request, "jobDefinitionName");
        String type = Requests.required(request, "type");
        if (!"container".equals(type)) {
            throw ApiException.client("multinode".equals(type)
                    ? "The emulator does not support multinode job definitions"
                    : "type must be one of: container, multinode");
        }
        if (!(request.get("containerProperties") instanceof ObjectNode container)) {
            throw ApiException.client("containerProperties must be specified for a job definition of type container");
        }
        if (Requests.text(container, "image") == null) {
            throw ApiException.client("containerProperties.image is required");
        }
        Validation.retryStrategy(request.get("retryStrategy"));
        Validation.timeout(request.get("timeout"));
        Validation.resourceRequirements(container.get("resourceRequirements"));
        Validation.fargate(request, container);

        ObjectNode body = json.createObjectNode();
        body.put("type", type);
        for (String field : COPIED) {
            if (Requests.has(request, field)) {
                body.set(field, request.get(field).deepCopy());
            }
        }
        if (!body.has("parameters")) {
            body.putObject("parameters");
        }
        if (!body.has("platformCapabilities")) {
            body.putArray("platformCapabilities").add("EC2");
        }
        ObjectNode containerCopy = container.deepCopy();
        CONTAINER_LISTS.forEach(list -> {
            if (!containerCopy.has(list)) {
                containerCopy.putArray(list);
            }
        });
        body.set("containerProperties", containerCopy);
        body.put("containerOrchestrationType", "ECS");

        JobDefinition definition = registry.register(name, body);
        ObjectNode response = json.createObjectNode();
        response.put("jobDefinitionName", definition.name());
        response.put("jobDefinitionArn", definition.arn());
        response.put("revision", definition.revision());
        return response;
    }

    JsonNode describeJobDefinitions(ObjectNode request) {
        List<String> references = Requests.strings(request, "jobDefinitions", 100);
        String byName = Requests.text(request, "jobDefinitionName");
        String status = Requests.text(request, "status");
        if (status != null && !status.equals("ACTIVE") && !status.equals("INACTIVE")) {
            throw ApiException.client("status must be ACTIVE or INACTIVE");
        }
        if (!references.isEmpty() && (byName != null || status != null)) {
            throw ApiException.client("jobDefinitions can't be used with other parameters");
        }
        Set<JobDefinition> selected = new LinkedHashSet<>();
        if (!references.isEmpty()) {
            for (String reference : references) {
                registry.exact(reference).ifPresentOrElse(selected::add,
                        () -> selected.addAll(registry.revisions(reference)));
            }
        } else if (byName != null) {
            selected.addAll(registry.revisions(byName));
        } else {
            selected.addAll(registry.all());
        }
        List<JobDefinition> matching = new ArrayList<>();
        for (JobDefinition d : selected) {
            if (status == null || status.equals(d.status())) {
                matching.add(d);
            }
        }
        matching.sort(Comparator.comparing(JobDefinition::key));
        Paging.Page<JobDefinition> page = Paging.page(matching, JobDefinition::key, request, 100, 100);
        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("jobDefinitions");
        page.items().forEach(d -> list.add(d.render()));
        if (page.nextToken() != null) {
            response.put("nextToken", page.nextToken());
        }
        return response;
    }

    JsonNode deregisterJobDefinition(ObjectNode request) {
        String reference = Requests.required(request, "jobDefinition");
        JobDefinition definition = registry.exact(reference)
                .or(() -> registry.latestActive(reference))
                .orElseThrow(() -> ApiException.client("Job definition " + reference + " does not exist"));
        definition.deregister();
        return json.createObjectNode();
    }
}
