package dev.conveyor.cli;

import dev.conveyor.model.events.JobStatusEvent;

import java.io.PrintWriter;

/**
 * Shows a job's progress: on a terminal one line redrawn in place (tasks queued / running / done /
 * failed); elsewhere (pipes, CI logs) one plain line per event.
 */
public interface ProgressDisplay {
    void onStatus(JobStatusEvent event);

    /** Ends the display (a redrawn line gets its newline). */
    default void finish() {
    }

    /** A line that is not a status event (e.g. why a result was not taken). */
    void note(String line);

    /** The live line on a terminal, plain lines otherwise. */
    static ProgressDisplay forWriter(PrintWriter out) {
        return System.console() != null ? new LiveLine(out) : new Plain(out);
    }

    /** One plain line per event. */
    final class Plain implements ProgressDisplay {
        private final PrintWriter out;
        private final ProgressPrinter printer;

        Plain(PrintWriter out) {
            this.out = out;
            this.printer = new ProgressPrinter(out);
        }

        @Override
        public void onStatus(JobStatusEvent event) {
            printer.onStatus(event);
        }

        @Override
        public void note(String line) {
            out.println("conveyor: " + line);
            out.flush();
        }
    }

    /** The terminal form: the latest counts and the latest event on one line. */
    final class LiveLine implements ProgressDisplay {
        private final PrintWriter out;
        private JobStatusEvent.TaskCounts counts;
        private String jobState = "SUBMITTED";
        private boolean drawn;

        LiveLine(PrintWriter out) {
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
                out.flush();
                drawn = false;
            }
        }

        @Override
        public void note(String line) {
            finish();
            out.println("conveyor: " + line);
            out.flush();
        }
    }
}
