package dev.conveyor.compute;

import org.jboss.logging.MDC;

import java.util.concurrent.Callable;

/**
 * The job and task a backend thread works for, in the logging MDC ({@code jobId}, {@code taskId},
 * the keys stages use), for work on one task's attempt outside a stage's own thread — e.g. the local
 * backend starting a process. Put for the span of the work, what was there restored afterwards.
 */
public final class TaskLogContext {
    public static final String JOB_ID = "jobId";
    public static final String TASK_ID = "taskId";

    private TaskLogContext() {
    }

    public static <T> T with(String jobId, String taskId, Callable<T> work) throws Exception {
        Object jobBefore = MDC.get(JOB_ID);
        Object taskBefore = MDC.get(TASK_ID);
        put(JOB_ID, jobId);
        put(TASK_ID, taskId);
        try {
            return work.call();
        } finally {
            restore(JOB_ID, jobBefore);
            restore(TASK_ID, taskBefore);
        }
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    private static void restore(String key, Object before) {
        if (before == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, before);
        }
    }
}
