package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.events.JobStatusEvent;

import java.util.regex.Pattern;

/**
 * The request record this command published, as the service names records:
 * "topic/partition/offset@timestamp" (the service adds the record's timestamp so that a record of a
 * recreated topic is not taken for an old one at the same offset; matching here is on the position,
 * which is unique on the broker this command talks to). It tells this command's answers from answers
 * to other records that reuse the same job id.
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
        return request == null || !request.isTextual() || position(request.asText()).equals(source());
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
        // "conveyor.requests/3/1" must not match inside "conveyor.requests/3/12" (an "@timestamp" may follow).
        return Pattern.compile(Pattern.quote(source()) + "(?![0-9])").matcher(text).find();
    }

    /** "topic/partition/offset" of a service's record name, without its "@timestamp". */
    static String position(String request) {
        int at = request.lastIndexOf('@');
        return at < 0 ? request : request.substring(0, at);
    }
}
