package dev.conveyor.cli;

import sun.misc.Signal;

import java.io.PrintWriter;

/**
 * Ctrl-C while following a job cancels the job (and keeps waiting for its CANCELLED result);
 * a second Ctrl-C leaves at once.
 */
final class CancelOnInterrupt {
    private CancelOnInterrupt() {
    }

    static void install(JobClient client, String jobId, PrintWriter err) {
        boolean[] asked = {false};
        Signal.handle(new Signal("INT"), signal -> {
            if (asked[0]) {
                err.println("\nconveyor: leaving without waiting; job " + jobId + " is being cancelled");
                err.flush();
                Runtime.getRuntime().halt(130);
            }
            asked[0] = true;
            err.println("\nconveyor: cancelling job " + jobId + " (Ctrl-C again to leave now)...");
            err.flush();
            new Thread(() -> {
                try {
                    client.cancel(jobId, "interrupted from the command line");
                } catch (RuntimeException e) {
                    err.println("conveyor: could not cancel: " + e.getMessage());
                    err.flush();
                }
            }, "conveyor-cancel").start();
        });
    }
}
