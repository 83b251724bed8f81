package dev.conveyor.staging;

import dev.conveyor.messaging.HeldRecords;
import dev.conveyor.retry.TransientFailure;

import java.time.Duration;

/** An input source failed in a way that may pass, within the job's window: its record waits {@link #pause()} outside the slot. */
final class SourceMayRecover extends RuntimeException implements TransientFailure, HeldRecords.Pause {
    private final Duration pause;

    SourceMayRecover(StagingException cause, Duration pause) {
        super(cause.getMessage(), cause);
        this.pause = pause;
    }

    @Override
    public boolean isTransient() {
        return true;
    }

    @Override
    public Duration pause() {
        return pause;
    }
}
