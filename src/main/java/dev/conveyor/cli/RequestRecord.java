package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.events.JobStatusEvent;

import java.util.regex.Pattern;

/**
 * The request record this command published, as the service names records: "topic/partition/offset".
 * It tells this command's answers from answers to other records that reuse the same job id.
 */
record RequestRecord(String topic, int partition, long offset) {

    String source() {
        return topic + "/" + partition + "/" + offset;
    }

    /**
     * Whether a result answers this record. A result names the record it answers in its
     * {@code request} field; one without the field (older services) is taken as the answer.
     */
    boolean isAnsweredBy(JsonNode result) {
        JsonNode request = result.get("request");
        return request == null || !request.isTextual() || request.asText().equals(source());
    }

    /**
     * Whether a DUPLICATE status event is about this record: the service says which record the job
     * was accepted from; when that is this record, the duplicate is somebody else's request.
     */
    boolean isRefusedBy(JobStatusEvent event) {
        return "DUPLICATE".equals(event.state()) && event.task() == null
                && (event.message() == null || !mentionsThisRecord(event.message()));
    }

    private boolean mentionsThisRecord(String text) {
        // "conveyor.requests/3/1" must not match inside "conveyor.requests/3/12".
        return Pattern.compile(Pattern.quote(source()) + "(?![0-9])").matcher(text).find();
    }
}
