package dev.conveyor.compute;

/** The call will not succeed by repeating it; the job fails with {@link #getMessage()}. */
public final class TerminalComputeException extends ComputeException {
    private final String code;

    public TerminalComputeException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public TerminalComputeException(String message) {
        this(null, message, null);
    }

    @Override
    public boolean isTransient() {
        return false;
    }

    @Override
    public String code() {
        return code;
    }
}
