package dev.conveyor.messaging;

import org.apache.kafka.common.header.Headers;

/**
 * Told where a stage takes a job's record and where a record of the job is produced, so that one
 * trace follows the job across every hop (ops/tracing implements it with OpenTelemetry; the stages
 * and this package know nothing of it). Must be cheap and never throw.
 */
public interface RecordTracer {
    RecordTracer NONE = new RecordTracer() {
        @Override
        public Span taken(String stage, String jobId, Headers headers) {
            return Span.NONE;
        }

        @Override
        public void inject(String stage, String jobId, Headers headers) {
        }
    };

    /** {@code stage} starts work on a record of {@code jobId} (null when the record has no key) read with {@code headers}. */
    Span taken(String stage, String jobId, Headers headers);

    /** Adds the trace headers a record of {@code jobId} produced by {@code stage} carries. */
    void inject(String stage, String jobId, Headers headers);

    /** A stage's work on one record of a job. */
    interface Span {
        Span NONE = new Span() {
            @Override
            public void job(String jobId) {
            }

            @Override
            public void end(Throwable failure) {
            }
        };

        /** The job's id is known now (a request without a key): records produced for it continue this span's trace. */
        void job(String jobId);

        /** The work ended (failure null when it went well). Only the first call counts. */
        void end(Throwable failure);
    }
}
