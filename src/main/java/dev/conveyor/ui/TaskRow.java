package dev.conveyor.ui;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;

/** One row of a job page's task table. Every text in it has been through {@link Redaction}. */
@TemplateData
public record TaskRow(String id, String group, String state, int attempts, Integer exitCode, String duration,
                      String handle, String reason, int attempt, String stdoutTail, String stderrTail,
                      Map<String, String> values, List<Output> outputs) {

    @TemplateData
    public record Output(String path, long size, String href) {
    }

    public String stateClass() {
        return state.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public boolean hasLogs() {
        return attempt > 0;
    }
}
