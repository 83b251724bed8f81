package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Pool_* operations. */
final class PoolHandlers {
    private final BatchState state;
    private final PoolAllocator allocator;
    private final ScheduledExecutorService timers;
    private final Duration deleteDelay;

    PoolHandlers(BatchState state, PoolAllocator allocator, ScheduledExecutorService timers, Duration deleteDelay) {
        this.state = state;
        this.allocator = allocator;
        this.timers = timers;
        this.deleteDelay = deleteDelay;
    }

    void register(Router r) {
        r.add("POST", "pools", "Pool_Add", this::add)
                .add("GET", "pools", "Pool_List", this::list)
                .add("GET", "pools/{}", "Pool_Get", this::get)
                .add("GET", "pools/{}/nodes", "ComputeNode_List", this::nodes)
                .add("HEAD", "pools/{}", "Pool_Exists", this::exists)
                .add("DELETE", "pools/{}", "Pool_Delete", this::delete)
                .add("PATCH", "pools/{}", "Pool_Patch", this::patch)
                .add("POST", "pools/{}/resize", "Pool_Resize", this::resize)
                .add("POST", "pools/{}/stopresize", "Pool_StopResize", this::stopResize)
                .add("POST", "pools/{}/enableautoscale", "Pool_EnableAutoScale", this::enableAutoScale)
                .add("POST", "pools/{}/disableautoscale", "Pool_DisableAutoScale", this::disableAutoScale)
                .add("POST", "pools/{}/evaluateautoscale", "Pool_EvaluateAutoScale", this::evaluateAutoScale)
                .add("POST", "pools/{}/updateproperties", "Pool_UpdateProperties", this::updateProperties);
    }

    private BatchResponse add(BatchRequest req) {
        ObjectNode body = req.json();
        String id = Validation.requiredId(body);
        Validation.requiredText(body, "vmSize");
        boolean autoScale = body.path("enableAutoScale").asBoolean(false);
        int dedicated = Validation.nonNegativeInt(body, "targetDedicatedNodes", 0);
        int lowPriority = Validation.nonNegativeInt(body, "targetLowPriorityNodes", 0);
        int slots = Validation.nonNegativeInt(body, "taskSlotsPerNode", 1);
        if (slots < 1) throw BatchException.invalidProperty("taskSlotsPerNode", "0", "taskSlotsPerNode must be at least 1.");
        if (autoScale && (body.has("targetDedicatedNodes") || body.has("targetLowPriorityNodes"))) {
            throw BatchException.invalidProperty("targetDedicatedNodes", null,
                    "targetDedicatedNodes and targetLowPriorityNodes must not be specified when enableAutoScale is true.");
        }
        int[] targets = autoScale ? PoolAllocator.evaluate(Json.text(body, "autoScaleFormula")) : new int[]{dedicated, lowPriority};
        synchronized (state) {
            if (state.hasPool(id)) throw BatchException.exists("PoolExists", "pool");
            ObjectNode json = body.deepCopy();
            String now = Json.now();
            json.put("url", state.url("/pools/" + id));
            BatchState.touch(json);
            json.put("creationTime", now);
            json.put("state", "active");
            json.put("stateTransitionTime", now);
            json.put("currentDedicatedNodes", 0);
            json.put("currentLowPriorityNodes", 0);
            json.put("taskSlotsPerNode", slots);
            json.put("enableAutoScale", autoScale);
            json.put("enableInterNodeCommunication", body.path("enableInterNodeCommunication").asBoolean(false));
            if (!json.has("taskSchedulingPolicy")) json.putObject("taskSchedulingPolicy").put("nodeFillType", "Spread");
            if (autoScale) {
                if (!json.has("autoScaleEvaluationInterval")) json.put("autoScaleEvaluationInterval", "PT15M");
                autoScaleRun(json, targets);
            } else if (!json.has("resizeTimeout")) {
                json.put("resizeTimeout", "PT15M");
            }
            Entities.Pool pool = new Entities.Pool(json);
            state.putPool(pool);
            allocator.resize(pool, targets[0], targets[1]);
            return BatchResponse.status(201).entityHeaders(json);
        }
    }

    private BatchResponse get(BatchRequest req) {
        synchronized (state) {
            JsonNode json = state.pool(req.param(0)).json;
            ObjectNode body = (ObjectNode) ListSupport.project(json, ListSupport.select(req.queryParam("$select")));
            body.put("odata.metadata", state.endpoint + "/$metadata#pools/@Element");
            return BatchResponse.json(200, body).header("ETag", Json.text(json, "eTag"));
        }
    }

    /** The pool's nodes: id, state, whether dedicated, how their start task ended, and why one is unusable. */
    private BatchResponse nodes(BatchRequest req) {
        synchronized (state) {
            Entities.Pool pool = state.pool(req.param(0));
            List<ObjectNode> items = new java.util.ArrayList<>();
            for (Entities.Node n : pool.nodes) {
                ObjectNode node = Json.MAPPER.createObjectNode();
                node.put("id", n.id);
                node.put("url", state.url("/pools/" + pool.id() + "/nodes/" + n.id));
                node.put("state", n.takesTasks() && n.usedSlots > 0 ? "running" : n.state);
                node.put("schedulingState", "enabled");
                node.put("isDedicated", n.dedicated);
                node.put("totalTasksRun", n.totalTasksRun);
                if (n.startTaskExitCode != null) {
                    ObjectNode info = node.putObject("startTaskInfo");
                    info.put("state", "completed");
                    info.put("exitCode", n.startTaskExitCode);
                    info.put("retryCount", 0);
                    info.put("result", n.startTaskExitCode == 0 ? "success" : "failure");
                    if (n.startTaskExitCode != 0) {
                        ObjectNode failure = info.putObject("failureInfo");
                        failure.put("category", "usererror");
                        failure.put("code", "FailureExitCode");
                        failure.put("message", "The task exited with an exit code representing a failure");
                    }
                }
                if (n.error != null) {
                    ObjectNode error = node.putArray("errors").addObject();
                    error.put("code", n.error[0]);
                    error.put("message", n.error[1]);
                    ObjectNode detail = error.putArray("errorDetails").addObject();
                    detail.put("name", "ContainerImage");
                    detail.put("value", n.error[2]);
                }
                items.add(node);
            }
            return ListSupport.page(req, state.endpoint, "pools/" + pool.id() + "/nodes", items);
        }
    }

    private BatchResponse exists(BatchRequest req) {
        synchronized (state) {
            Entities.Pool pool = state.poolOrNull(req.param(0));
            return pool == null ? BatchResponse.status(404) : BatchResponse.status(200).entityHeaders(pool.json);
        }
    }

    private BatchResponse list(BatchRequest req) {
        synchronized (state) {
            List<ObjectNode> items = state.pools().stream().map(p -> p.json).toList();
            return ListSupport.page(req, state.endpoint, "pools", items);
        }
    }

    private BatchResponse delete(BatchRequest req) {
        synchronized (state) {
            Entities.Pool pool = state.pool(req.param(0));
            if ("deleting".equals(pool.json.path("state").asText())) return BatchResponse.status(202);
            pool.json.put("state", "deleting");
            pool.json.put("stateTransitionTime", Json.now());
            pool.json.put("allocationState", "resizing");
            pool.json.put("allocationStateTransitionTime", Json.now());
            allocator.releaseAll(pool);
            timers.schedule(() -> {
                synchronized (state) {
                    if (state.poolOrNull(pool.id()) == pool) state.removePool(pool.id());
                }
            }, deleteDelay.toMillis(), TimeUnit.MILLISECONDS);
            return BatchResponse.status(202);
        }
    }

    private BatchResponse patch(BatchRequest req) {
        ObjectNode body = req.json();
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            for (String field : List.of("startTask", "certificateReferences", "applicationPackageReferences",
                    "metadata", "targetNodeCommunicationMode")) {
                if (body.has(field)) pool.json.set(field, body.get(field).deepCopy());
            }
            BatchState.touch(pool.json);
            return BatchResponse.status(200).entityHeaders(pool.json);
        }
    }

    private BatchResponse updateProperties(BatchRequest req) {
        ObjectNode body = req.json();
        for (String field : List.of("certificateReferences", "applicationPackageReferences", "metadata")) {
            if (!body.has(field)) throw BatchException.missingProperty(field);
        }
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            for (String field : List.of("startTask", "certificateReferences", "applicationPackageReferences", "metadata")) {
                if (body.has(field)) pool.json.set(field, body.get(field).deepCopy()); else pool.json.remove(field);
            }
            BatchState.touch(pool.json);
            return BatchResponse.status(204).entityHeaders(pool.json);
        }
    }

    private BatchResponse resize(BatchRequest req) {
        ObjectNode body = req.json();
        int dedicated = Validation.nonNegativeInt(body, "targetDedicatedNodes", -1);
        int lowPriority = Validation.nonNegativeInt(body, "targetLowPriorityNodes", -1);
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            if (pool.json.path("enableAutoScale").asBoolean()) {
                throw BatchException.conflict("OperationInvalidForCurrentState",
                        "The specified operation is not valid for the current state of the resource.");
            }
            if (body.has("resizeTimeout")) pool.json.set("resizeTimeout", body.get("resizeTimeout"));
            allocator.resize(pool, dedicated < 0 ? pool.json.path("targetDedicatedNodes").asInt() : dedicated,
                    lowPriority < 0 ? pool.json.path("targetLowPriorityNodes").asInt() : lowPriority);
            BatchState.touch(pool.json);
            return BatchResponse.status(202).entityHeaders(pool.json);
        }
    }

    private BatchResponse stopResize(BatchRequest req) {
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            allocator.stop(pool);
            BatchState.touch(pool.json);
            return BatchResponse.status(202).entityHeaders(pool.json);
        }
    }

    private BatchResponse enableAutoScale(BatchRequest req) {
        ObjectNode body = req.json();
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            String formula = body.hasNonNull("autoScaleFormula") ? body.get("autoScaleFormula").asText()
                    : Json.text(pool.json, "autoScaleFormula");
            int[] targets = PoolAllocator.evaluate(formula);
            pool.json.put("enableAutoScale", true);
            pool.json.put("autoScaleFormula", formula);
            pool.json.set("autoScaleEvaluationInterval", body.hasNonNull("autoScaleEvaluationInterval")
                    ? body.get("autoScaleEvaluationInterval") : pool.json.path("autoScaleEvaluationInterval").isMissingNode()
                    ? Json.MAPPER.getNodeFactory().textNode("PT15M") : pool.json.get("autoScaleEvaluationInterval"));
            pool.json.remove("resizeTimeout");
            autoScaleRun(pool.json, targets);
            allocator.resize(pool, targets[0], targets[1]);
            BatchState.touch(pool.json);
            return BatchResponse.status(200).entityHeaders(pool.json);
        }
    }

    private BatchResponse disableAutoScale(BatchRequest req) {
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            pool.json.put("enableAutoScale", false);
            pool.json.remove(List.of("autoScaleFormula", "autoScaleEvaluationInterval", "autoScaleRun"));
            pool.json.put("resizeTimeout", "PT15M");
            BatchState.touch(pool.json);
            return BatchResponse.status(200).entityHeaders(pool.json);
        }
    }

    private BatchResponse evaluateAutoScale(BatchRequest req) {
        ObjectNode body = req.json();
        String formula = Validation.requiredText(body, "autoScaleFormula");
        synchronized (state) {
            Entities.Pool pool = activePool(req.param(0));
            if (!pool.json.path("enableAutoScale").asBoolean()) {
                throw BatchException.conflict("AutoScalingNotEnabled", "Autoscale is not enabled on the specified pool.");
            }
            ObjectNode run = Json.object();
            run.put("timestamp", Json.now());
            run.put("results", PoolAllocator.results(PoolAllocator.evaluate(formula)));
            run.put("odata.metadata", state.endpoint + "/$metadata#Microsoft.Azure.Batch.Protocol.Entities.AutoScaleRun");
            return BatchResponse.json(200, run);
        }
    }

    private Entities.Pool activePool(String id) {
        Entities.Pool pool = state.pool(id);
        if ("deleting".equals(pool.json.path("state").asText())) {
            throw BatchException.conflict("PoolBeingDeleted", "The specified pool has been marked for deletion and is being reclaimed.");
        }
        return pool;
    }

    private static void autoScaleRun(ObjectNode json, int[] targets) {
        ObjectNode run = json.putObject("autoScaleRun");
        run.put("timestamp", Json.now());
        run.put("results", PoolAllocator.results(targets));
    }
}
