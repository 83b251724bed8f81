package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.batch.protocol.models.CloudJob;
import com.microsoft.azure.batch.protocol.models.JobAddParameter;
import com.microsoft.azure.batch.protocol.models.JobConstraints;
import com.microsoft.azure.batch.protocol.models.JobListOptions;
import com.microsoft.azure.batch.protocol.models.OnAllTasksComplete;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.TaskCounts;
import dev.conveyor.compute.azure.BatchTypes.Counts;
import dev.conveyor.compute.azure.BatchTypes.JobInfo;

import java.util.ArrayList;
import java.util.List;

import static dev.conveyor.compute.azure.SdkValues.metadata;
import static dev.conveyor.compute.azure.SdkValues.period;

/** The Batch-job calls of the SDK behind {@link AzureBatchApi}: add, list, terminate and delete jobs, and their task counts. */
final class BatchJobs {
    private final BatchServiceClient client;
    private final BatchCalls calls;

    BatchJobs(BatchServiceClient client, BatchCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /** Creates the Batch job; false when it exists already (a repeated ensure). */
    boolean createJob(BatchTypes.JobSpec j) {
        JobAddParameter add = new JobAddParameter().withId(j.id())
                .withPoolInfo(new PoolInformation().withPoolId(j.poolId()))
                .withPriority(j.priority())
                .withOnAllTasksComplete(OnAllTasksComplete.NO_ACTION)
                .withConstraints(new JobConstraints().withMaxTaskRetryCount(0)
                        .withMaxWallClockTime(j.maxWallClock() == null ? null : period(j.maxWallClock())))
                .withMetadata(metadata(j.metadata()));
        return calls.addUnlessExists("Job_Add", () -> client.jobs().add(add), "JobExists");
    }

    /** Every Batch job of the account ({@code $select}ed to id, state, pool and metadata; paged). */
    List<JobInfo> jobs() {
        return calls.call("Job_List", () -> {
            List<JobInfo> out = new ArrayList<>();
            for (CloudJob j : client.jobs().list(new JobListOptions().withSelect("id,state,poolInfo,metadata"))) {
                out.add(new JobInfo(j.id(), j.state() == null ? null : j.state().toString(),
                        j.poolInfo() == null ? null : j.poolInfo().poolId(), metadata(j.metadata())));
            }
            return out;
        });
    }

    /** Terminates the Batch job (running tasks end, waiting ones never start); done or gone already is fine. */
    void terminateJob(String id, String reason) {
        calls.runDoneIfGone("Job_Terminate", () -> client.jobs().terminate(id, reason, null),
                "JobCompleted", "JobBeingTerminated", "JobBeingDeleted");
    }

    /** Deletes the Batch job and its tasks; gone already is fine. */
    void deleteJob(String id) {
        calls.runDoneIfGone("Job_Delete", () -> client.jobs().delete(id), "JobBeingDeleted");
    }

    /** Task counts of the Batch job, or null when the job is gone. */
    Counts taskCounts(String jobId) {
        return calls.getUnlessGone("Job_GetTaskCounts", () -> {
            var result = client.jobs().getTaskCounts(jobId);
            if (result == null) { // a GET of a missing job answers null (404) with this response builder
                return null;
            }
            TaskCounts c = result.taskCounts();
            return new Counts(c.active(), c.running(), c.completed(), c.succeeded(), c.failed());
        });
    }
}
