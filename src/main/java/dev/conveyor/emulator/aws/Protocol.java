package dev.conveyor.emulator.aws;

/** The two wire protocols the emulator speaks, with what differs between them. */
enum Protocol {
    /** AWS Batch: REST-JSON, {@code POST /v1/<operation>}. */
    BATCH_REST_JSON("batch", "application/json", "TooManyRequestsException", 429, "Too Many Requests",
            "ServerException", "ClientException"),
    /** CloudWatch Logs: AWS-JSON 1.1, {@code POST /} with {@code X-Amz-Target: Logs_20140328.<operation>}. */
    LOGS_JSON_11("logs", "application/x-amz-json-1.1", "ThrottlingException", 400, "Rate exceeded",
            "ServiceUnavailableException", "SerializationException");

    final String signingName;
    final String contentType;
    final String throttleType;
    final int throttleStatus;
    final String throttleMessage;
    final String serverErrorType;
    final String malformedType;

    Protocol(String signingName, String contentType, String throttleType, int throttleStatus, String throttleMessage,
             String serverErrorType, String malformedType) {
        this.signingName = signingName;
        this.contentType = contentType;
        this.throttleType = throttleType;
        this.throttleStatus = throttleStatus;
        this.throttleMessage = throttleMessage;
        this.serverErrorType = serverErrorType;
        this.malformedType = malformedType;
    }
}
