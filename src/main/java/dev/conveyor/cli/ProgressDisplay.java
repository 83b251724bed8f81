package dev.conveyor.cli;

import dev.conveyor.model.events.JobStatusEvent;

import java.io.PrintStream;

/**
 * Shows a job's progress: on a terminal one line redrawn in place (tasks queued / running / done /
 * failed); elsewhere (pipes, CI logs) one plain line per event.
 */
public interface ProgressDisplay {
    void onStatus(JobStatusEvent event);

    /** Ends the display (a redrawn line gets its newline). */
    default void finish() {
    }

    static ProgressDisplay forStream(PrintStream out) {
        return System.console() != null ? new LiveLine(out) : new ProgressPrinter(out)::onStatus;
    }

    /** The terminal form: the latest counts and the latest event on one line. */
    final class LiveLine implements ProgressDisplay {
        private final PrintStream out;
        private JobStatusEvent.TaskCounts counts;
        private String jobState = "SUBMITTED";
        private boolean drawn;

        LiveLine(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onStatus(JobStatusEvent e) {
            if (e.counts() != null) {
                counts = e.counts();
            }
            if (e.task() == null) {
                jobState = e.state();
            }
            String last = e.task() == null ? e.state() : e.task() + " " + e.state();
            String line = counts == null
                    ? String.format("job %s: %s", e.jobId(), jobState)
                    : String.format("job %s: %-9s queued %d  running %d  done %d  failed %d  skipped %d  | %s",
                    e.jobId(), jobState, counts.pending(), counts.running(), counts.succeeded(), counts.failed(),
                    counts.skipped(), last);
            out.print("\r\033[2K" + line);
            out.flush();
            drawn = true;
        }

        @Override
        public void finish() {
            if (drawn) {
                out.println();
            }
        }
    }
}
