package dev.conveyor.messaging;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class JobLogContextTest {

    @Test
    void theJobIdIsInTheMdcForTheWorkOnlyAndFollowsItToAWorkerThread() {
        String[] seen = new String[2];
        String back = JobLogContext.with("job-42", () -> {
            seen[0] = (String) MDC.get(JobLogContext.JOB_ID);
            return StageHandler.blocking(() -> (String) MDC.get(JobLogContext.JOB_ID)).await().atMost(Duration.ofSeconds(10));
        });
        seen[1] = back;

        assertThat(seen).containsExactly("job-42", "job-42");
        assertThat(MDC.get(JobLogContext.JOB_ID)).isNull();
    }
}
