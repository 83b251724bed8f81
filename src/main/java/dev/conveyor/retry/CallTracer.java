package dev.conveyor.retry;

import java.util.concurrent.Callable;

/**
 * Wraps every attempt a {@link CallPolicy} makes (for traces: one span per attempt, a child of the
 * job's stage span). Must call {@code attempt} exactly once and rethrow what it throws unchanged.
 */
public interface CallTracer {
    CallTracer NONE = new CallTracer() {
        @Override
        public <T> T traced(String policy, String operation, Callable<T> attempt) throws Exception {
            return attempt.call();
        }
    };

    <T> T traced(String policy, String operation, Callable<T> attempt) throws Exception;
}
