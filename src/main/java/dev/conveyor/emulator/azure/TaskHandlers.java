package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** Task_* operations. */
final class TaskHandlers {
    static final int MAX_TASKS_PER_COLLECTION = 100;

    private final BatchState state;
    private final TaskLifecycle lifecycle;
    private final TaskRunner runner;
    private final Runnable kickScheduler;

    TaskHandlers(BatchState state, TaskLifecycle lifecycle, TaskRunner runner, Runnable kickScheduler) {
        this.state = state;
        this.lifecycle = lifecycle;
        this.runner = runner;
        this.kickScheduler = kickScheduler;
    }

    void register(Router r) {
        r.add("POST", "jobs/{}/tasks", "Task_Add", this::add)
                .add("GET", "jobs/{}/tasks", "Task_List", this::list)
                .add("POST", "jobs/{}/addtaskcollection", "Task_AddCollection", this::addCollection)
                .add("GET", "jobs/{}/tasks/{}", "Task_Get", this::get)
                .add("PUT", "jobs/{}/tasks/{}", "Task_Update", this::update)
                .add("DELETE", "jobs/{}/tasks/{}", "Task_Delete", this::delete)
                .add("POST", "jobs/{}/tasks/{}/terminate", "Task_Terminate", this::terminate)
                .add("POST", "jobs/{}/tasks/{}/reactivate", "Task_Reactivate", this::reactivate)
                .add("GET", "jobs/{}/tasks/{}/subtasksinfo", "Task_ListSubtasks", this::subtasks);
    }

    private BatchResponse add(BatchRequest req) {
        ObjectNode body = req.json();
        synchronized (state) {
            Entities.Job job = jobAcceptingTasks(req.param(0));
            ObjectNode json = create(job, body);
            kickScheduler.run();
            return BatchResponse.status(201).entityHeaders(json);
        }
    }

    private BatchResponse addCollection(BatchRequest req) {
        ObjectNode body = req.json();
        JsonNode value = body.get("value");
        if (value == null || !value.isArray()) throw BatchException.missingProperty("value");
        if (value.size() > MAX_TASKS_PER_COLLECTION) {
            throw new BatchException(400, "InvalidPropertyValue",
                    "The value provided for one of the properties in the request body is invalid.",
                    Map.of("PropertyName", "value", "PropertyValue", Integer.toString(value.size()),
                            "Reason", "The maximum number of tasks in a task collection is " + MAX_TASKS_PER_COLLECTION + "."));
        }
        synchronized (state) {
            Entities.Job job = jobAcceptingTasks(req.param(0));
            ObjectNode out = Json.object();
            out.put("odata.metadata", state.endpoint + "/$metadata#taskaddresult");
            ArrayNode results = out.putArray("value");
            for (JsonNode item : value) {
                ObjectNode result = results.addObject();
                String id = Json.text(item, "id");
                try {
                    if (!item.isObject()) throw BatchException.invalidBody("A task must be a JSON object.");
                    ObjectNode json = create(job, (ObjectNode) item);
                    result.put("status", "success").put("taskId", json.get("id").asText())
                            .put("eTag", json.get("eTag").asText()).put("lastModified", json.get("lastModified").asText())
                            .put("location", json.get("url").asText());
                } catch (BatchException e) {
                    result.put("status", e.status >= 500 ? "servererror" : "clienterror");
                    if (id != null) result.put("taskId", id);
                    ObjectNode err = Json.error(state.endpoint, e.code, e.getMessage(), e.values);
                    err.remove("odata.metadata");
                    result.set("error", err);
                }
            }
            kickScheduler.run();
            return BatchResponse.json(200, out);
        }
    }

    /** Validates and stores a new task. Call holding the lock. */
    private ObjectNode create(Entities.Job job, ObjectNode body) {
        String id = Validation.requiredId(body);
        Validation.requiredText(body, "commandLine");
        if (job.tasks.containsKey(BatchState.key(id))) throw BatchException.exists("TaskExists", "task");
        if (body.has("dependsOn") && !job.json.path("usesTaskDependencies").asBoolean()) {
            throw new BatchException(409, "TaskDependenciesNotSpecifiedOnJob",
                    "The task has dependencies but its job does not allow task dependencies.");
        }
        for (JsonNode range : body.path("dependsOn").path("taskIdRanges")) {
            if (range.path("start").asInt() > range.path("end").asInt()) {
                throw BatchException.invalidProperty("taskIdRanges", range.toString(), "start must not exceed end.");
            }
        }
        for (JsonNode rf : body.path("resourceFiles")) {
            int sources = (rf.hasNonNull("httpUrl") ? 1 : 0) + (rf.hasNonNull("storageContainerUrl") ? 1 : 0)
                    + (rf.hasNonNull("autoStorageContainerName") ? 1 : 0);
            if (sources != 1) {
                throw BatchException.invalidProperty("resourceFiles", rf.toString(), "Exactly one of httpUrl, "
                        + "storageContainerUrl and autoStorageContainerName must be specified.");
            }
            if (rf.hasNonNull("httpUrl") && !rf.hasNonNull("filePath")) throw BatchException.missingProperty("filePath");
        }
        for (JsonNode of : body.path("outputFiles")) {
            if (!of.hasNonNull("filePattern")) throw BatchException.missingProperty("filePattern");
            if (!of.path("destination").path("container").hasNonNull("containerUrl")) {
                throw BatchException.missingProperty("containerUrl");
            }
        }
        ObjectNode json = body.deepCopy();
        String now = Json.now();
        json.put("url", state.url("/jobs/" + job.id() + "/tasks/" + id));
        BatchState.touch(json);
        json.put("creationTime", now);
        json.put("state", "active");
        json.put("stateTransitionTime", now);
        json.put("requiredSlots", body.path("requiredSlots").asInt(1));
        ObjectNode constraints = json.with("constraints");
        if (!constraints.has("maxWallClockTime")) constraints.put("maxWallClockTime", Validation.UNLIMITED);
        if (!constraints.has("retentionTime")) constraints.put("retentionTime", "P7D");
        if (!constraints.has("maxTaskRetryCount")) {
            constraints.put("maxTaskRetryCount", job.json.path("constraints").path("maxTaskRetryCount").asInt(0));
        }
        Validation.duration(constraints, "maxWallClockTime");
        ObjectNode exec = json.putObject("executionInfo");
        exec.put("retryCount", 0);
        exec.put("requeueCount", 0);
        job.tasks.put(BatchState.key(id), new Entities.Task(json, job.id(), job.tasks.size()));
        return json;
    }

    private BatchResponse get(BatchRequest req) {
        synchronized (state) {
            JsonNode json = state.task(req.param(0), req.param(1)).json;
            ObjectNode body = (ObjectNode) ListSupport.project(json, ListSupport.select(req.queryParam("$select")));
            body.put("odata.metadata", state.endpoint + "/$metadata#tasks/@Element");
            return BatchResponse.json(200, body).header("ETag", Json.text(json, "eTag"));
        }
    }

    private BatchResponse list(BatchRequest req) {
        synchronized (state) {
            List<ObjectNode> items = state.job(req.param(0)).tasks.values().stream().map(t -> t.json).toList();
            return ListSupport.page(req, state.endpoint, "tasks", items);
        }
    }

    private BatchResponse update(BatchRequest req) {
        ObjectNode body = req.json();
        synchronized (state) {
            Entities.Task task = state.task(req.param(0), req.param(1));
            if (task.state().equals("completed")) {
                throw BatchException.conflict("TaskCompleted", "The specified task is already completed.");
            }
            ObjectNode constraints = task.json.with("constraints");
            JsonNode given = body.path("constraints");
            constraints.put("maxWallClockTime", given.path("maxWallClockTime").asText(Validation.UNLIMITED));
            constraints.put("retentionTime", given.path("retentionTime").asText("P7D"));
            constraints.put("maxTaskRetryCount", given.path("maxTaskRetryCount").asInt(0));
            Validation.duration(constraints, "maxWallClockTime");
            BatchState.touch(task.json);
            return BatchResponse.status(200).entityHeaders(task.json);
        }
    }

    private BatchResponse delete(BatchRequest req) {
        synchronized (state) {
            Entities.Job job = state.job(req.param(0));
            Entities.Task task = state.task(req.param(0), req.param(1));
            if (task.state().equals("preparing") || task.state().equals("running")) {
                runner.stop(task, Entities.StopReason.DELETED);
                lifecycle.release(task);
            }
            task.attempt++;
            job.tasks.remove(BatchState.key(task.id()));
            kickScheduler.run();
            return BatchResponse.status(200);
        }
    }

    private BatchResponse terminate(BatchRequest req) {
        synchronized (state) {
            Entities.Task task = state.task(req.param(0), req.param(1));
            switch (task.state()) {
                case "completed" -> throw BatchException.conflict("TaskCompleted", "The specified task is already completed.");
                case "active" -> lifecycle.endUnstarted(task, "Task Was Ended by User Request");
                default -> runner.stop(task, Entities.StopReason.USER_TERMINATE);
            }
            BatchState.touch(task.json);
            kickScheduler.run();
            return BatchResponse.status(204).entityHeaders(task.json);
        }
    }

    private BatchResponse reactivate(BatchRequest req) {
        synchronized (state) {
            Entities.Job job = jobAcceptingTasks(req.param(0));
            Entities.Task task = state.task(job.id(), req.param(1));
            if (!task.state().equals("completed") || "success".equals(task.executionInfo().path("result").asText())) {
                throw BatchException.conflict("TaskNotFailed", "Only tasks that completed with a failure can be reactivated.");
            }
            lifecycle.reactivate(task);
            BatchState.touch(task.json);
            kickScheduler.run();
            return BatchResponse.status(204).entityHeaders(task.json);
        }
    }

    private BatchResponse subtasks(BatchRequest req) {
        synchronized (state) {
            state.task(req.param(0), req.param(1));
            ObjectNode body = Json.object();
            body.put("odata.metadata", state.endpoint + "/$metadata#subtaskinformation");
            body.putArray("value");
            return BatchResponse.json(200, body);
        }
    }

    private Entities.Job jobAcceptingTasks(String jobId) {
        Entities.Job job = state.job(jobId);
        switch (job.state()) {
            case "completed" -> throw BatchException.conflict("JobCompleted", "The specified job is already in a completed state.");
            case "terminating" -> throw BatchException.conflict("JobBeingTerminated", "The specified job is being terminated.");
            case "deleting" -> throw BatchException.conflict("JobBeingDeleted", "The specified job has been marked for deletion and is being garbage collected.");
            default -> {
                return job;
            }
        }
    }
}
