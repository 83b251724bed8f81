package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates ddeutil {@code jobs} into Conveyor tasks: each stage becomes a task (via
 * {@link DdeutilStages}), a job's stages run one after the other, its first stage needs the last
 * stage of each needed job, {@code trigger-rule: all_done} makes it {@code always}, the job's
 * {@code strategy} goes to every stage (via {@link DdeutilStrategies}) and {@code runs-on} picks
 * the one provider of the request.
 */
final class DdeutilJobs {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> JOB_KEYS = Set.of("id", "name", "desc", "description", "runs-on", "runs_on",
            "stages", "needs", "strategy", "trigger-rule", "trigger_rule", "if");
    private static final Map<String, String> PROVIDERS = Map.of("local", "local", "azure_batch", "azure-batch",
            "aws_batch", "aws-batch", "azure-batch", "azure-batch", "aws-batch", "aws-batch");

    private final DdeutilRun run;
    private final ObjectNode request;
    private final DdeutilStages stageTasks;
    private final DdeutilStrategies strategies;

    DdeutilJobs(DdeutilRun run, DdeutilStages stageTasks, DdeutilStrategies strategies) {
        this.run = run;
        this.request = run.request();
        this.stageTasks = stageTasks;
        this.strategies = strategies;
    }

    /** A job's tasks: ids of its first and last stage. */
    record JobTasks(String first, String last, int firstIndex) {
    }

    void translate(JsonNode jobs, String path) {
        run.map("$.tasks", path);
        ArrayNode tasks = request.putArray("tasks");
        if (jobs == null || !jobs.isObject() || jobs.isEmpty()) {
            run.problem(path, "must be a map of jobs, each with stages");
            return;
        }
        // pass 1: task ids, so that needs can name jobs defined later
        Map<String, JobTasks> jobTasks = new LinkedHashMap<>();
        int index = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode stages = e.getValue().path("stages");
            if (!stages.isArray() || stages.isEmpty()) {
                continue;
            }
            jobTasks.put(e.getKey(), new JobTasks(DdeutilStages.taskId(e.getKey(), 0, stages.get(0)),
                    DdeutilStages.taskId(e.getKey(), stages.size() - 1, stages.get(stages.size() - 1)), index));
            index += stages.size();
        }
        String runsOnJob = null;
        String runsOnType = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String jobName = e.getKey();
            String jobPath = JsonPaths.property(path, jobName);
            JsonNode job = e.getValue();
            if (!job.isObject()) {
                run.problem(jobPath, "must be a job: a map with stages");
                continue;
            }
            job.fieldNames().forEachRemaining(key -> {
                if (!JOB_KEYS.contains(key)) {
                    run.problem(JsonPaths.property(jobPath, key), "unknown job property '" + key + "' (supported: "
                            + "stages, needs, strategy, runs-on, trigger-rule, id, desc)");
                }
            });
            if (job.has("if")) {
                run.problem(JsonPaths.property(jobPath, "if"), "conditions ('if') are not supported");
            }
            // runs-on: one provider for the whole job
            String runsOnKey = job.has("runs-on") ? "runs-on" : job.has("runs_on") ? "runs_on" : null;
            if (runsOnKey != null) {
                String at = JsonPaths.property(jobPath, runsOnKey);
                String type = runsOn(job.get(runsOnKey), at, runsOnJob == null);
                if (runsOnJob == null) {
                    runsOnJob = jobName;
                    runsOnType = type;
                } else if (type != null && !type.equals(runsOnType)) {
                    run.problem(at, "job '" + jobName + "' runs on '" + type + "' but job '" + runsOnJob + "' on '"
                            + runsOnType + "'; Conveyor runs all jobs of a workflow on one provider");
                }
            }
            JsonNode stages = job.get("stages");
            String stagesPath = JsonPaths.property(jobPath, "stages");
            if (stages == null || !stages.isArray() || stages.isEmpty()) {
                run.problem(stages == null ? jobPath : stagesPath, "job '" + jobName + "' has no stages; give it a list of stages");
                continue;
            }
            ObjectNode strategy = strategies.strategy(job.get("strategy"), JsonPaths.property(jobPath, "strategy"));
            String rule = job.has("trigger-rule") ? "trigger-rule" : job.has("trigger_rule") ? "trigger_rule" : null;
            boolean always = false;
            if (rule != null) {
                String value = job.get(rule).asText();
                if (value.equals("all_done")) {
                    always = true;
                } else if (!value.equals("all_success")) {
                    run.problem(JsonPaths.property(jobPath, rule), "trigger rule '" + value
                            + "' is not supported (all_success, all_done)");
                }
            }
            String previous = null;
            for (int n = 0; n < stages.size(); n++) {
                int taskIndex = tasks.size();
                String taskPath = JsonPaths.index("$.tasks", taskIndex);
                String stagePath = JsonPaths.index(stagesPath, n);
                run.mapWhole(taskPath, stagePath);
                ObjectNode task = stageTasks.stage(jobName, n, stages.get(n), stagePath, taskPath);
                ArrayNode needs = F.arrayNode();
                if (n == 0) {
                    needs(job, jobPath, jobName, jobTasks, needs, taskPath);
                    if (always) {
                        task.put("always", true);
                        run.mapWhole(JsonPaths.property(taskPath, "always"), JsonPaths.property(jobPath, rule));
                    }
                } else {
                    // the chain within a job: its only problems come from duplicate stage ids
                    String idPath = run.mapped(JsonPaths.property(taskPath, "id"));
                    run.mapWhole(JsonPaths.property(taskPath, "needs"), idPath);
                    needs.add(previous);
                }
                if (!needs.isEmpty()) {
                    task.set("needs", needs);
                }
                if (strategy != null) {
                    task.set("strategy", strategy.deepCopy());
                    strategies.mapStrategy(taskPath, JsonPaths.property(jobPath, "strategy"), job.get("strategy"));
                }
                previous = task.path("id").asText();
                tasks.add(task);
            }
        }
    }

    void needs(JsonNode job, String jobPath, String jobName, Map<String, JobTasks> jobTasks, ArrayNode needs,
               String taskPath) {
        JsonNode jobNeeds = job.get("needs");
        if (jobNeeds == null || jobNeeds.isNull()) {
            return;
        }
        String needsPath = JsonPaths.property(jobPath, "needs");
        run.map(JsonPaths.property(taskPath, "needs"), needsPath);
        List<JsonNode> list = new ArrayList<>();
        if (jobNeeds.isTextual()) {
            list.add(jobNeeds);
        } else if (jobNeeds.isArray()) {
            jobNeeds.forEach(list::add);
        } else {
            run.problem(needsPath, "must be a list of job names");
            return;
        }
        for (int j = 0; j < list.size(); j++) {
            String at = jobNeeds.isArray() ? JsonPaths.index(needsPath, j) : needsPath;
            String needed = list.get(j).asText();
            JobTasks upstream = jobTasks.get(needed);
            if (needed.equals(jobName)) {
                run.problem(at, "job '" + jobName + "' needs itself");
            } else if (upstream == null) {
                String suggestion = NameSuggestions.closest(needed, jobTasks.keySet());
                run.problem(at, "job '" + jobName + "' needs '" + needed + "', but the workflow has no job with stages by that name"
                        + (suggestion != null ? "; did you mean '" + suggestion + "'?" : ""));
            } else {
                run.map(JsonPaths.index(JsonPaths.property(taskPath, "needs"), needs.size()), at);
                needs.add(upstream.last());
            }
        }
    }

    String runsOn(JsonNode runsOn, String at, boolean first) {
        if (!runsOn.isObject()) {
            run.problem(at, "must be a map: {type: local | azure_batch | aws_batch, with: {...}}");
            return null;
        }
        String typePath = JsonPaths.property(at, "type");
        String type = PROVIDERS.get(runsOn.path("type").asText("local"));
        if (type == null) {
            run.problem(typePath, "runs-on type '" + runsOn.path("type").asText() + "' is not supported "
                    + "(local, azure_batch, aws_batch)");
            return null;
        }
        runsOn.fieldNames().forEachRemaining(key -> {
            if (!key.equals("type") && !key.equals("with")) {
                run.problem(JsonPaths.property(at, key), "unknown runs-on property '" + key + "' (supported: type, with)");
            }
        });
        if (first) {
            ObjectNode out = request.putObject("runsOn").put("type", type);
            run.map("$.runsOn", at);
            run.map("$.runsOn.type", typePath);
            JsonNode with = runsOn.get("with");
            if (with != null && with.isObject()) {
                ObjectNode options = out.putObject("with");
                with.fields().forEachRemaining(e -> options.put(e.getKey(),
                        e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            } else if (with != null && !with.isNull()) {
                run.problem(JsonPaths.property(at, "with"), "must be a map of provider options");
            }
        }
        return type;
    }
}
