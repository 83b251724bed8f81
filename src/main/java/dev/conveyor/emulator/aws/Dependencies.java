package dev.conveyor.emulator.aws;

import java.util.Map;

/** Where a job stands with the jobs it waits for. A job waiting on an array parent waits for all its children. */
final class Dependencies {

    enum State { SATISFIED, WAITING, FAILED }

    private Dependencies() {
    }

    static State of(BatchJob job, Map<String, BatchJob> jobs) {
        State state = State.SATISFIED;
        for (String id : job.waitFor) {
            BatchJob target = jobs.get(id);
            if (target == null) {
                continue;
            }
            if (target.status == JobStatus.FAILED) {
                return State.FAILED;
            }
            if (target.status != JobStatus.SUCCEEDED) {
                state = State.WAITING;
            }
        }
        return state;
    }
}
