package dev.conveyor.cli;

import dev.conveyor.model.events.JobStatusEvent;

import java.io.PrintWriter;

/** Live progress of one job, one plain line per event (safe on terminals and in logs alike). */
public final class ProgressPrinter {
    private final PrintWriter out;

    public ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    public void onStatus(JobStatusEvent e) {
        StringBuilder line = new StringBuilder();
        line.append(String.format("[%-10s] ", e.stage()));
        if (e.task() != null) {
            line.append("task ").append(e.task()).append(' ').append(e.state());
            if (e.attempt() != null && e.attempt() > 1) {
                line.append(" (attempt ").append(e.attempt()).append(')');
            }
        } else {
            line.append("job ").append(e.state());
        }
        if (e.message() != null && !e.message().isBlank()) {
            line.append(" - ").append(e.message());
        }
        if (e.counts() != null) {
            var c = e.counts();
            line.append(String.format("   [%d/%d done, %d running, %d failed]",
                    c.succeeded() + c.failed() + c.skipped(), c.total(), c.running(), c.failed()));
        }
        out.println(line);
        out.flush();
    }
}
