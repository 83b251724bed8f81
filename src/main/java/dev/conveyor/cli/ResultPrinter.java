package dev.conveyor.cli;

import dev.conveyor.model.Problem;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;

import java.io.PrintWriter;

/** The human summary of a result. */
public final class ResultPrinter {
    private ResultPrinter() {
    }

    public static void print(JobResult r, PrintWriter out) {
        out.printf("%nJob %s (%s): %s%s%n", r.jobId(), r.name(), r.status(),
                r.durationMs() == null ? "" : " in " + seconds(r.durationMs()));
        if (r.reason() != null) {
            out.println("  reason: " + r.reason());
        }
        if (r.problems() != null) {
            for (Problem p : r.problems()) {
                out.printf("  - %s: %s%n", p.path(), p.message());
            }
        }
        for (TaskResult t : r.tasks()) {
            out.printf("  %-24s %-10s exit=%s attempts=%d%s%n", t.id(), t.status(),
                    t.exitCode() == null ? "-" : t.exitCode(), t.attemptCount(),
                    t.durationMs() == null ? "" : " " + seconds(t.durationMs()));
            if (t.reason() != null && !t.reason().isBlank()) {
                out.println("      reason: " + t.reason());
            }
            printTail("stdout", t.stdoutTail(), out);
            printTail("stderr", t.stderrTail(), out);
            for (TaskResult.OutputFile f : t.outputs()) {
                out.printf("      output: %s (%d bytes) %s%n", f.path(), f.size(), f.uri());
            }
        }
    }

    private static void printTail(String name, String tail, PrintWriter out) {
        if (tail == null || tail.isBlank()) {
            return;
        }
        String[] lines = tail.strip().split("\n");
        int from = Math.max(0, lines.length - 10);
        out.printf("      %s%s:%n", name, from > 0 ? " (last 10 lines)" : "");
        for (int i = from; i < lines.length; i++) {
            out.println("        | " + lines[i]);
        }
    }

    private static String seconds(long ms) {
        return String.format("%.1fs", ms / 1000.0);
    }
}
