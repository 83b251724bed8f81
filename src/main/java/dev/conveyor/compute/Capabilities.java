package dev.conveyor.compute;

/**
 * What a backend offers natively, declared once; the engine uses what is there and does the rest
 * itself.
 *
 * @param runsWrapper     tasks really run, through the generated task wrapper (false only for
 *                        {@code noop}, which runs nothing: no wrapper scripts are staged for it)
 * @param nativeFiles     the backend moves a task's files itself (Azure Batch resource files and
 *                        output files): the wrapper then neither downloads inputs nor uploads
 *                        results, it leaves them in {@code .conveyor/return/} for the backend
 * @param maxArraySize    largest array job (matrix cells submitted as one job, AWS Batch: 10,000);
 *                        0 = no array jobs
 * @param maxBatch        most launches the engine hands to one {@code submit} call
 * @param describeAcrossJobs the backend batches describe calls across jobs (the engine then hands
 *                        it every watched handle at once)
 * @param idempotentSubmit a launch sent twice runs once — the backend answers the one it has (local's
 *                        attempt folders, Azure Batch's task ids) — so an instance that takes over a
 *                        job finds or submits what a crash left "submitting" at once; false where each
 *                        send starts a run (AWS Batch's SubmitJob): it waits for the grace period first
 */
public record Capabilities(boolean runsWrapper, boolean nativeFiles, int maxArraySize, int maxBatch,
                           boolean describeAcrossJobs, boolean idempotentSubmit) {

    public boolean arrayJobs() {
        return maxArraySize > 1;
    }
}
