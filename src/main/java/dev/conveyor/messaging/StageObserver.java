package dev.conveyor.messaging;

/**
 * Told about each record a stage handles (for metrics): taken in, handled (out), failed, sent to
 * the DLQ, an output sent again because the broker did not take it (resent), a record held while the
 * object store is away (held), and how long its handling took. Must be cheap and never throw.
 */
public interface StageObserver {
    enum Outcome { IN, OUT, FAILED, DLQ, RESENT, HELD }

    StageObserver NONE = new StageObserver() {
        @Override
        public void record(String stage, Outcome outcome) {
        }

        @Override
        public void took(String stage, long nanos) {
        }
    };

    void record(String stage, Outcome outcome);

    void took(String stage, long nanos);
}
