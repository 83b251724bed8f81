package dev.conveyor.compute;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The job and task ids are in the MDC for the span of the work only, and what was there comes back. */
class TaskLogContextTest {
    @Test
    void theIdsAreInTheMdcWhileTheWorkRunsAndRestoredAfter() throws Exception {
        MDC.put(TaskLogContext.JOB_ID, "outer-job");
        try {
            String seen = TaskLogContext.with("job-1", "t2", () -> MDC.get(TaskLogContext.JOB_ID) + "/" + MDC.get(TaskLogContext.TASK_ID));
            assertThat(seen).isEqualTo("job-1/t2");
            assertThat(MDC.get(TaskLogContext.JOB_ID)).isEqualTo("outer-job");
            assertThat(MDC.get(TaskLogContext.TASK_ID)).isNull();
        } finally {
            MDC.remove(TaskLogContext.JOB_ID);
        }
    }
}
