package dev.conveyor.submission;

/**
 * The bytes of a request could not be turned into a JSON object: not UTF-8, not JSON or YAML,
 * empty, several YAML documents, too large or too deeply nested, or not an object.
 * {@link #getMessage()} is a reason meant for the user who published the request.
 */
public class UnreadableRequestException extends Exception {

    public UnreadableRequestException(String reason) {
        super(reason);
    }

    public UnreadableRequestException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
