package dev.conveyor.emulator.aws;

/** An error answer in the AWS wire format: HTTP status, error type ({@code x-amzn-ErrorType}) and message. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String type;

    ApiException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    /** Batch's modelled 400: invalid parameters, unknown resources, limits. */
    static ApiException client(String message) {
        return new ApiException(400, "ClientException", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
