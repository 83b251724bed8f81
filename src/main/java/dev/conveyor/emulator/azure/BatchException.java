package dev.conveyor.emulator.azure;

import java.util.LinkedHashMap;
import java.util.Map;

/** A failure answered with the service's BatchError body. */
final class BatchException extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> values;
    final Map<String, String> headers = new LinkedHashMap<>();

    BatchException(int status, String code, String message, Map<String, String> values) {
        super(message);
        this.status = status;
        this.code = code;
        this.values = values == null ? Map.of() : values;
    }

    BatchException(int status, String code, String message) {
        this(status, code, message, null);
    }

    BatchException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static BatchException notFound(String code, String what) {
        return new BatchException(404, code, "The specified " + what + " does not exist.");
    }

    static BatchException exists(String code, String what) {
        return new BatchException(409, code, "The specified " + what + " already exists.");
    }

    static BatchException invalidBody(String reason) {
        return new BatchException(400, "InvalidRequestBody",
                "The specified Request Body is not syntactically valid.", Map.of("Reason", reason));
    }

    static BatchException missingProperty(String name) {
        return new BatchException(400, "MissingRequiredProperty",
                "The value provided for one of the properties in the request body is invalid.", Map.of("PropertyName", name));
    }

    static BatchException invalidProperty(String name, String value, String reason) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("PropertyName", name);
        if (value != null) v.put("PropertyValue", value);
        v.put("Reason", reason);
        return new BatchException(400, "InvalidPropertyValue",
                "The value provided for one of the properties in the request body is invalid.", v);
    }

    static BatchException invalidQuery(String name, String value, String reason) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("QueryParameterName", name);
        v.put("QueryParameterValue", value);
        v.put("Reason", reason);
        return new BatchException(400, "InvalidQueryParameterValue",
                "Value for one of the query parameters specified in the request URI is invalid.", v);
    }

    static BatchException conflict(String code, String message) {
        return new BatchException(409, code, message);
    }
}
