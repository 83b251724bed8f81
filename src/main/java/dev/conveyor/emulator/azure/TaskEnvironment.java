package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment of a task process: job common settings, task settings, then the AZ_BATCH_* variables. */
final class TaskEnvironment {
    private TaskEnvironment() {
    }

    static Map<String, String> of(BatchState state, Entities.Job job, Entities.Task task) {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, job.json.path("commonEnvironmentSettings"));
        put(env, task.json.path("environmentSettings"));
        Path nodeRoot = state.workDir.resolve("nodes").resolve(task.node.id).toAbsolutePath();
        Path taskDir = task.taskDir.toAbsolutePath();
        env.put("AZ_BATCH_ACCOUNT_NAME", state.accountName);
        env.put("AZ_BATCH_ACCOUNT_URL", state.endpoint + "/");
        env.put("AZ_BATCH_POOL_ID", task.poolId);
        env.put("AZ_BATCH_NODE_ID", task.node.id);
        env.put("AZ_BATCH_NODE_IS_DEDICATED", Boolean.toString(task.node.dedicated));
        env.put("AZ_BATCH_NODE_ROOT_DIR", nodeRoot.toString());
        env.put("AZ_BATCH_NODE_SHARED_DIR", nodeRoot.resolve("shared").toString());
        env.put("AZ_BATCH_NODE_STARTUP_DIR", nodeRoot.resolve("startup").toString());
        env.put("AZ_BATCH_NODE_MOUNTS_DIR", nodeRoot.resolve("fsmounts").toString());
        env.put("AZ_BATCH_JOB_ID", task.jobId);
        env.put("AZ_BATCH_TASK_ID", task.id());
        env.put("AZ_BATCH_TASK_DIR", taskDir.toString());
        env.put("AZ_BATCH_TASK_WORKING_DIR", taskDir.resolve("wd").toString());
        env.put("AZ_BATCH_CERTIFICATES_DIR", taskDir.resolve("certs").toString());
        env.put("AZ_BATCH_TASK_USER", "_azbatch");
        env.put("AZ_BATCH_TASK_USER_IDENTITY", "PoolNonAdmin");
        return env;
    }

    private static void put(Map<String, String> env, JsonNode settings) {
        for (JsonNode s : settings) {
            if (s.hasNonNull("name")) env.put(s.get("name").asText(), s.path("value").asText(""));
        }
    }
}
