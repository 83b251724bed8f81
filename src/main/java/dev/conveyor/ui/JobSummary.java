package dev.conveyor.ui;

import dev.conveyor.model.events.JobStatusEvent;
import io.quarkus.qute.TemplateData;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One job as the pages show it: a snapshot of a {@link JobRow}. */
@TemplateData
public record JobSummary(String id, String name, String backend, Map<String, String> labels, String state,
                         String stage, String message, JobStatusEvent.TaskCounts counts, Instant firstSeen,
                         Instant finishedAt, String age, String duration, List<StageSpan> stages,
                         List<JobStatusEvent> events) {

    /** When a stage first and last spoke of the job; offsets in % of the job's time so far, for the timeline. */
    @TemplateData
    public record StageSpan(String stage, Instant from, Instant to, long heldMillis, double left, double width) {
        public boolean seen() {
            return from != null;
        }

        private static final java.time.format.DateTimeFormatter CLOCK =
                java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

        /** When the stage took the job (UTC clock time). */
        public String took() {
            return from == null ? "" : CLOCK.format(from);
        }

        public String held() {
            return Durations.millis(heldMillis);
        }
    }

    public boolean finished() {
        return JobRow.FINAL.contains(state);
    }

    public String stateClass() {
        return state.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public String labelText() {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
    }

    public String countText() {
        if (counts == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        append(b, counts.succeeded(), "ok");
        append(b, counts.running(), "running");
        append(b, counts.pending(), "pending");
        append(b, counts.failed(), "failed");
        append(b, counts.skipped(), "skipped");
        return b.append(b.length() == 0 ? "" : " / ").append(counts.total()).toString();
    }

    private static void append(StringBuilder b, int n, String what) {
        if (n > 0) {
            b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(what);
        }
    }
}
