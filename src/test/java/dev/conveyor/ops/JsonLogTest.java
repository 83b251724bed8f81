package dev.conveyor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.messaging.JobLogContext;
import io.quarkus.logging.json.runtime.JsonFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON log form ({@code quarkus.log.console.json.enabled=true}): the formatter Quarkus installs
 * writes a line a stage logs for a job as one JSON object whose MDC carries the job id, and nothing
 * of a job on a line written outside one.
 */
class JsonLogTest {
    @Test
    void aLineLoggedForAJobCarriesItsIdAsAField() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ExtHandler handler = new ExtHandler() {
            @Override
            protected void doPublish(ExtLogRecord record) {
                lines.add(getFormatter().format(record));
            }
        };
        handler.setFormatter(new JsonFormatter());
        Logger logger = Logger.getLogger("dev.conveyor.json-log-test");
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        try {
            JobLogContext.with("job-42", () -> {
                logger.info("staging inputs");
                return null;
            });
            logger.info("between jobs");
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(lines).hasSize(2);
        JsonNode forJob = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
        assertThat(forJob.path("message").asText()).isEqualTo("staging inputs");
        assertThat(forJob.path("loggerName").asText()).isEqualTo("dev.conveyor.json-log-test");
        assertThat(forJob.path("mdc").path(JobLogContext.JOB_ID).asText()).isEqualTo("job-42");
        JsonNode outside = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(1));
        assertThat(outside.path("mdc").has(JobLogContext.JOB_ID)).isFalse();
    }
}
