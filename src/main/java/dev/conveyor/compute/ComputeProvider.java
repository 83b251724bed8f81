package dev.conveyor.compute;

import java.util.List;

/**
 * The compute SPI: one implementation per backend ({@code local}, {@code azure-batch},
 * {@code aws-batch}, {@code noop}), with the same verbs in each. Every call is idempotent on the
 * job id, so a re-delivered stage event can repeat it safely. Calls may block; stages call them
 * off the event loop.
 */
public interface ComputeProvider {

    /** The {@code runsOn.type} this provider serves. */
    String type();

    /** Make sure the compute environment exists (pool, job definition); create it when missing. */
    void prepare(ComputeJob job);

    /** Create the job and all its tasks; a job that already exists is left as it is. */
    void submit(ComputeJob job);

    /** Current state of every task of the job, in one batched call. */
    List<TaskStatus> poll(ComputeJob job);

    /** Stop whatever still runs; pending tasks end CANCELLED. */
    void cancel(ComputeJob job, String reason);

    /** Release what the job held on the backend (job records, working directories). */
    void cleanup(ComputeJob job);
}
