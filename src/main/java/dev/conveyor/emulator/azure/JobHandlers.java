package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;

/** Job_* operations. */
final class JobHandlers {
    private final BatchState state;
    private final JobLifecycle lifecycle;
    private final Runnable kickScheduler;
    private final Duration deleteDelay;

    JobHandlers(BatchState state, JobLifecycle lifecycle, Runnable kickScheduler, Duration deleteDelay) {
        this.state = state;
        this.lifecycle = lifecycle;
        this.kickScheduler = kickScheduler;
        this.deleteDelay = deleteDelay;
    }

    void register(Router r) {
        r.add("POST", "jobs", "Job_Add", this::add)
                .add("GET", "jobs", "Job_List", this::list)
                .add("GET", "jobs/{}", "Job_Get", this::get)
                .add("PATCH", "jobs/{}", "Job_Patch", req -> change(req, false))
                .add("PUT", "jobs/{}", "Job_Update", req -> change(req, true))
                .add("DELETE", "jobs/{}", "Job_Delete", this::delete)
                .add("POST", "jobs/{}/terminate", "Job_Terminate", this::terminate)
                .add("POST", "jobs/{}/disable", "Job_Disable", this::disable)
                .add("POST", "jobs/{}/enable", "Job_Enable", this::enable)
                .add("GET", "jobs/{}/taskcounts", "Job_GetTaskCounts", this::taskCounts);
    }

    private BatchResponse add(BatchRequest req) {
        ObjectNode body = req.json();
        String id = Validation.requiredId(body);
        JsonNode poolInfo = body.get("poolInfo");
        if (poolInfo == null || poolInfo.isNull()) throw BatchException.missingProperty("poolInfo");
        if (!poolInfo.hasNonNull("poolId")) {
            throw BatchException.invalidProperty("poolInfo", null,
                    "The emulator supports poolInfo.poolId only; autoPoolSpecification is not supported.");
        }
        validatePriority(body);
        synchronized (state) {
            if (state.hasJob(id)) throw BatchException.exists("JobExists", "job");
            ObjectNode json = body.deepCopy();
            String now = Json.now();
            json.put("url", state.url("/jobs/" + id));
            BatchState.touch(json);
            json.put("creationTime", now);
            json.put("state", "active");
            json.put("stateTransitionTime", now);
            json.put("priority", body.path("priority").asInt(0));
            json.put("maxParallelTasks", body.path("maxParallelTasks").asInt(-1));
            json.put("allowTaskPreemption", body.path("allowTaskPreemption").asBoolean(false));
            json.put("usesTaskDependencies", body.path("usesTaskDependencies").asBoolean(false));
            json.put("onAllTasksComplete", body.path("onAllTasksComplete").asText("noaction"));
            json.put("onTaskFailure", body.path("onTaskFailure").asText("noaction"));
            ObjectNode constraints = json.with("constraints");
            if (!constraints.has("maxWallClockTime")) constraints.put("maxWallClockTime", Validation.UNLIMITED);
            if (!constraints.has("maxTaskRetryCount")) constraints.put("maxTaskRetryCount", 0);
            ObjectNode exec = json.putObject("executionInfo");
            exec.put("startTime", now);
            exec.put("poolId", poolInfo.get("poolId").asText());
            Entities.Job job = new Entities.Job(json);
            state.putJob(job);
            lifecycle.armWallClock(job);
            kickScheduler.run();
            return BatchResponse.status(201).entityHeaders(json);
        }
    }

    private BatchResponse get(BatchRequest req) {
        synchronized (state) {
            JsonNode json = state.job(req.param(0)).json;
            ObjectNode body = (ObjectNode) ListSupport.project(json, ListSupport.select(req.queryParam("$select")));
            body.put("odata.metadata", state.endpoint + "/$metadata#jobs/@Element");
            return BatchResponse.json(200, body).header("ETag", Json.text(json, "eTag"));
        }
    }

    private BatchResponse list(BatchRequest req) {
        synchronized (state) {
            List<ObjectNode> items = state.jobs().stream().map(j -> j.json).toList();
            return ListSupport.page(req, state.endpoint, "jobs", items);
        }
    }

    /** PATCH merges the given properties; PUT (update) replaces them, absent ones return to defaults. */
    private BatchResponse change(BatchRequest req, boolean replace) {
        ObjectNode body = req.json();
        validatePriority(body);
        if (replace && !body.has("poolInfo")) throw BatchException.missingProperty("poolInfo");
        synchronized (state) {
            Entities.Job job = changeableJob(req.param(0));
            ObjectNode json = job.json;
            if (body.has("onAllTasksComplete") && "terminatejob".equalsIgnoreCase(json.path("onAllTasksComplete").asText())
                    && "noaction".equalsIgnoreCase(body.get("onAllTasksComplete").asText())) {
                throw BatchException.invalidProperty("onAllTasksComplete", "noaction",
                        "onAllTasksComplete cannot be changed from terminatejob to noaction.");
            }
            if (replace) {
                json.put("priority", body.path("priority").asInt(0));
                json.put("maxParallelTasks", body.path("maxParallelTasks").asInt(-1));
                json.put("allowTaskPreemption", body.path("allowTaskPreemption").asBoolean(false));
                ObjectNode constraints = json.putObject("constraints");
                constraints.put("maxWallClockTime", body.path("constraints").path("maxWallClockTime").asText(Validation.UNLIMITED));
                constraints.put("maxTaskRetryCount", body.path("constraints").path("maxTaskRetryCount").asInt(0));
                json.set("metadata", body.has("metadata") ? body.get("metadata") : Json.array());
                if (body.has("onAllTasksComplete")) json.set("onAllTasksComplete", body.get("onAllTasksComplete"));
                json.set("poolInfo", body.get("poolInfo"));
            } else {
                for (String field : List.of("priority", "maxParallelTasks", "allowTaskPreemption", "onAllTasksComplete",
                        "poolInfo", "networkConfiguration", "metadata")) {
                    if (body.has(field)) json.set(field, body.get(field).deepCopy());
                }
                if (body.has("constraints")) {
                    body.get("constraints").fields().forEachRemaining(e -> json.with("constraints").set(e.getKey(), e.getValue()));
                }
            }
            json.with("executionInfo").put("poolId", job.poolId());
            BatchState.touch(json);
            lifecycle.armWallClock(job);
            kickScheduler.run();
            return BatchResponse.status(200).entityHeaders(json);
        }
    }

    private BatchResponse delete(BatchRequest req) {
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            if (!job.state().equals("deleting")) lifecycle.delete(job, deleteDelay);
            return BatchResponse.status(202);
        }
    }

    private BatchResponse terminate(BatchRequest req) {
        String reason = req.body.length == 0 ? null : Json.text(req.json(), "terminateReason");
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            switch (job.state()) {
                case "completed" -> throw BatchException.conflict("JobCompleted", "The specified job is already in a completed state.");
                case "terminating" -> throw BatchException.conflict("JobBeingTerminated", "The specified job is being terminated.");
                case "deleting" -> throw BatchException.conflict("JobBeingDeleted", "The specified job has been marked for deletion and is being garbage collected.");
                default -> lifecycle.terminate(job, reason == null ? "UserTerminate" : reason);
            }
            BatchState.touch(job.json);
            return BatchResponse.status(202).entityHeaders(job.json);
        }
    }

    private BatchResponse disable(BatchRequest req) {
        ObjectNode body = req.json();
        Validation.requiredText(body, "disableTasks");
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            if (!job.state().equals("active")) {
                throw BatchException.conflict("JobNotActive", "The specified job is not in an active state.");
            }
            BatchState.setState(job.json, "disabled", true);
            BatchState.touch(job.json);
            return BatchResponse.status(202).entityHeaders(job.json);
        }
    }

    private BatchResponse enable(BatchRequest req) {
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            if (!job.state().equals("disabled")) {
                throw BatchException.conflict("JobNotDisabled", "The specified job is not in a disabled state.");
            }
            BatchState.setState(job.json, "active", true);
            BatchState.touch(job.json);
            kickScheduler.run();
            return BatchResponse.status(202).entityHeaders(job.json);
        }
    }

    private BatchResponse taskCounts(BatchRequest req) {
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            int[] counts = new int[5];
            int[] slots = new int[5];
            for (Entities.Task t : job.tasks.values()) {
                int i = switch (t.state()) {
                    case "active" -> 0;
                    case "preparing", "running" -> 1;
                    default -> 2;
                };
                counts[i]++;
                slots[i] += t.requiredSlots();
                if (i == 2) {
                    int outcome = "success".equals(t.json.path("executionInfo").path("result").asText()) ? 3 : 4;
                    counts[outcome]++;
                    slots[outcome] += t.requiredSlots();
                }
            }
            ObjectNode body = Json.object();
            body.put("odata.metadata", state.endpoint + "/$metadata#taskcountsresult/@Element");
            fill(body.putObject("taskCounts"), counts);
            fill(body.putObject("taskSlotCounts"), slots);
            return BatchResponse.json(200, body);
        }
    }

    private static void fill(ObjectNode node, int[] v) {
        node.put("active", v[0]).put("running", v[1]).put("completed", v[2]).put("succeeded", v[3]).put("failed", v[4]);
    }

    private Entities.Job changeableJob(String id) {
        Entities.Job job = state.job(id);
        switch (job.state()) {
            case "completed" -> throw BatchException.conflict("JobCompleted", "The specified job is already in a completed state.");
            case "deleting" -> throw BatchException.conflict("JobBeingDeleted", "The specified job has been marked for deletion and is being garbage collected.");
            default -> {
                return job;
            }
        }
    }

    private static void validatePriority(JsonNode body) {
        if (body.has("priority")) {
            int p = body.get("priority").asInt();
            if (p < -1000 || p > 1000) {
                throw new BatchException(400, "OutOfRangePriority", "The specified priority is out of range.",
                        java.util.Map.of("PropertyName", "priority", "PropertyValue", Integer.toString(p)));
            }
        }
    }
}
