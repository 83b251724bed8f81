package dev.conveyor.messaging;

import org.jboss.logging.MDC;

import java.util.function.Supplier;

/**
 * The job a thread is working for, in the logging MDC under {@link #JOB_ID}, so every log line
 * written while a stage handles a job's record names the job (and JSON logs carry it as a field).
 * Always put for the span of the work and removed afterwards: pool threads are reused.
 */
public final class JobLogContext {
    public static final String JOB_ID = "jobId";

    private JobLogContext() {
    }

    /** The job id in this thread's MDC, or null. */
    public static String current() {
        Object v = MDC.get(JOB_ID);
        return v == null ? null : v.toString();
    }

    /** Runs {@code work} with {@code jobId} in the MDC (nothing put when null), restoring what was there. */
    public static <T> T with(String jobId, Supplier<T> work) {
        if (jobId == null) {
            return work.get();
        }
        Object before = MDC.get(JOB_ID);
        MDC.put(JOB_ID, jobId);
        try {
            return work.get();
        } finally {
            if (before == null) {
                MDC.remove(JOB_ID);
            } else {
                MDC.put(JOB_ID, before);
            }
        }
    }
}
