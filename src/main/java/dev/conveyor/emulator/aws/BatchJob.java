package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A submitted job (plain, array parent or array child). The fields fixed at submission are final;
 * the rest is guarded by the engine lock.
 */
final class BatchJob {

    /** What SubmitJob fixed. */
    record Spec(String jobName, String queueName, JobDefinition definition, ObjectNode parameters,
                ObjectNode container, List<String> command, Map<String, String> environment, int vcpus,
                int retryAttempts, JsonNode retryStrategy, Long timeoutSeconds, ObjectNode tags,
                boolean propagateTags, Integer schedulingPriority, String shareIdentifier) {
    }

    final long seq;
    final String jobId;
    final String jobArn;
    final Spec spec;
    final long createdAt;
    /** dependsOn as DescribeJobs shows it. */
    final ArrayNode dependsOn;
    /** Job ids this job waits for. */
    final List<String> waitFor;
    /** 0 unless this is an array parent. */
    final int arraySize;
    /** -1 unless this is an array child. */
    final int arrayIndex;
    final BatchJob parent;
    final List<BatchJob> children = new ArrayList<>();

    JobStatus status = JobStatus.SUBMITTED;
    String statusReason;
    Long startedAt;
    Long stoppedAt;
    final List<Attempt> attempts = new ArrayList<>();
    /** The attempt in STARTING/RUNNING, if any. */
    Attempt current;
    String reservedOn;
    /** When it became RUNNABLE, until its blocked-queue reason (if any) was looked for; 0 after. */
    long runnableSince;
    /** When AWS's blocked-queue reason was given it (for its queue's state time limits); 0 while it has none. */
    long blockedSince;
    JobRunner.Task task;
    String terminationReason;
    /** Set when the emulator took the job's host away (a spot reclaim): the attempt ends with this status reason. */
    String hostLostReason;
    boolean cancelled;
    boolean terminated;

    BatchJob(long seq, String jobId, String jobArn, Spec spec, long createdAt, ArrayNode dependsOn,
             List<String> waitFor, int arraySize, int arrayIndex, BatchJob parent) {
        this.seq = seq;
        this.jobId = jobId;
        this.jobArn = jobArn;
        this.spec = spec;
        this.createdAt = createdAt;
        this.dependsOn = dependsOn;
        this.waitFor = List.copyOf(waitFor);
        this.arraySize = arraySize;
        this.arrayIndex = arrayIndex;
        this.parent = parent;
    }

    boolean isArrayParent() {
        return arraySize > 0;
    }

    boolean isArrayChild() {
        return parent != null;
    }

    /** The attempt whose container details DescribeJobs shows: the running one, else the last one. */
    Attempt latestAttempt() {
        if (current != null) {
            return current;
        }
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
