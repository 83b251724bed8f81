package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.EnvironmentSetting;
import com.microsoft.azure.batch.protocol.models.OutputFile;
import com.microsoft.azure.batch.protocol.models.OutputFileBlobContainerDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadCondition;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadOptions;
import com.microsoft.azure.batch.protocol.models.ResourceFile;
import com.microsoft.azure.batch.protocol.models.TaskAddCollectionResult;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskAddResult;
import com.microsoft.azure.batch.protocol.models.TaskAddStatus;
import com.microsoft.azure.batch.protocol.models.TaskConstraints;
import com.microsoft.azure.batch.protocol.models.TaskContainerSettings;
import com.microsoft.azure.batch.protocol.models.TaskListOptions;
import dev.conveyor.compute.azure.BatchTypes.AddResult;
import dev.conveyor.compute.azure.BatchTypes.TaskInfo;

import java.util.ArrayList;
import java.util.List;

import static dev.conveyor.compute.azure.BatchCalls.code;
import static dev.conveyor.compute.azure.BatchCalls.status;
import static dev.conveyor.compute.azure.SdkValues.instant;
import static dev.conveyor.compute.azure.SdkValues.period;

/**
 * The task calls of the SDK behind {@link AzureBatchApi}: add a collection of tasks (a
 * {@link BatchTypes.TaskSpec} as the SDK's add parameter), list and terminate tasks.
 */
final class BatchTasks {
    private static final String TASK_SELECT = "id,state,executionInfo,nodeInfo";

    private final BatchServiceClient client;
    private final BatchCalls calls;

    BatchTasks(BatchServiceClient client, BatchCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /**
     * One add-task-collection call (≤ 100 tasks). Throws {@link AzureBatchApi.BodyTooLarge} when the
     * service says the body is over its limit (the caller splits), a typed exception for any other
     * failure of the call; per-task failures come back in the results.
     */
    List<AddResult> addTasks(String jobId, List<BatchTypes.TaskSpec> tasks) {
        List<TaskAddParameter> params = new ArrayList<>(tasks.size());
        for (BatchTypes.TaskSpec t : tasks) {
            params.add(taskAdd(t));
        }
        return calls.call("Task_AddCollection", () -> {
            TaskAddCollectionResult r;
            try {
                r = client.tasks().addCollection(jobId, params);
            } catch (BatchErrorException e) {
                if (status(e) == 413 || "RequestBodyTooLarge".equals(code(e))) {
                    throw new AzureBatchApi.BodyTooLarge();
                }
                throw e;
            }
            List<AddResult> out = new ArrayList<>();
            for (TaskAddResult a : r.value()) {
                boolean ok = a.status() == TaskAddStatus.SUCCESS;
                String code = a.error() == null ? null : a.error().code();
                String message = a.error() == null || a.error().message() == null ? null : a.error().message().value();
                out.add(new AddResult(a.taskId(), ok, a.status() == TaskAddStatus.SERVER_ERROR, code, message));
            }
            return out;
        });
    }

    /** The tasks of the job ({@code $select}ed, paged by 1000), only those matching {@code filter} when given. */
    List<TaskInfo> listTasks(String jobId, String filter) {
        return calls.call("Task_List", () -> {
            List<TaskInfo> out = new ArrayList<>();
            TaskListOptions options = new TaskListOptions().withSelect(TASK_SELECT).withMaxResults(1000).withFilter(filter);
            for (CloudTask t : client.tasks().list(jobId, options)) {
                var exec = t.executionInfo();
                var failure = exec == null ? null : exec.failureInfo();
                out.add(new TaskInfo(t.id(), t.state() == null ? null : t.state().toString(),
                        exec == null ? null : exec.exitCode(),
                        failure == null ? null : failure.code(), failure == null ? null : failure.message(),
                        exec == null ? null : instant(exec.startTime()), exec == null ? null : instant(exec.endTime()),
                        exec == null ? 0 : exec.requeueCount(), t.nodeInfo() == null ? null : t.nodeInfo().nodeId()));
            }
            return out;
        });
    }

    /** Terminates one task; completed or gone already is fine. */
    void terminateTask(String jobId, String taskId) {
        calls.runDoneIfGone("Task_Terminate", () -> client.tasks().terminate(jobId, taskId), "TaskCompleted", "JobCompleted");
    }

    private static TaskAddParameter taskAdd(BatchTypes.TaskSpec t) {
        List<EnvironmentSetting> env = new ArrayList<>();
        t.env().forEach((k, v) -> env.add(new EnvironmentSetting().withName(k).withValue(v)));
        List<ResourceFile> inputs = new ArrayList<>();
        for (BatchTypes.InputFile f : t.inputs()) {
            inputs.add(new ResourceFile().withFilePath(f.filePath()).withHttpUrl(f.httpUrl())
                    .withStorageContainerUrl(f.containerUrl()).withBlobPrefix(f.blobPrefix()));
        }
        List<OutputFile> outputs = new ArrayList<>();
        for (BatchTypes.OutputFiles o : t.outputs()) {
            outputs.add(new OutputFile().withFilePattern(o.pattern())
                    .withDestination(new OutputFileDestination().withContainer(new OutputFileBlobContainerDestination()
                            .withContainerUrl(o.containerUrl()).withPath(o.path())))
                    .withUploadOptions(new OutputFileUploadOptions().withUploadCondition(OutputFileUploadCondition.TASK_COMPLETION)));
        }
        TaskAddParameter add = new TaskAddParameter().withId(t.id()).withCommandLine(t.commandLine())
                .withEnvironmentSettings(env.isEmpty() ? null : env)
                .withResourceFiles(inputs.isEmpty() ? null : inputs)
                .withOutputFiles(outputs.isEmpty() ? null : outputs)
                .withConstraints(new TaskConstraints().withMaxTaskRetryCount(0)
                        .withMaxWallClockTime(t.maxWallClock() == null ? null : period(t.maxWallClock()))
                        .withRetentionTime(t.retention() == null ? null : period(t.retention())));
        if (t.image() != null) {
            add.withContainerSettings(new TaskContainerSettings().withImageName(t.image()));
        }
        return add;
    }
}
