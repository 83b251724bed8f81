package dev.conveyor.staging;

/** An input could not be staged; the job fails with this message as its reason. */
public class StagingException extends Exception {
    public StagingException(String message, Throwable cause) {
        super(message, cause);
    }

    public StagingException(String message) {
        super(message);
    }
}
