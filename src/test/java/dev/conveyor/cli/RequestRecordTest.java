package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobStatusEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRecordTest {
    private final RequestRecord own = new RequestRecord("conveyor.requests", 3, 1);

    private static JsonNode result(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    private static JobStatusEvent duplicate(String message) {
        return JobStatusEvent.job("j", "submission", "DUPLICATE", message);
    }

    @Test
    void aResultWithoutRequestFieldIsTakenAsTheAnswer() throws Exception {
        assertThat(own.isAnsweredBy(result("{\"jobId\":\"j\",\"status\":\"SUCCEEDED\"}"))).isTrue();
    }

    @Test
    void aResultNamingThisRecordAnswersIt() throws Exception {
        assertThat(own.isAnsweredBy(result("{\"jobId\":\"j\",\"request\":\"conveyor.requests/3/1\"}"))).isTrue();
    }

    @Test
    void aResultNamingThisRecordWithItsTimestampAnswersIt() throws Exception {
        assertThat(own.isAnsweredBy(result("{\"jobId\":\"j\",\"request\":\"conveyor.requests/3/1@1795932901085\"}"))).isTrue();
        assertThat(own.isAnsweredBy(result("{\"jobId\":\"j\",\"request\":\"conveyor.requests/3/12@1795932901085\"}"))).isFalse();
    }

    @Test
    void aResultNamingAnotherRecordDoesNotAnswerIt() throws Exception {
        assertThat(own.isAnsweredBy(result("{\"jobId\":\"j\",\"request\":\"conveyor.requests/3/0\"}"))).isFalse();
    }

    @Test
    void aDuplicateNoticeAboutAnotherAcceptedRecordRefusesThisOne() {
        assertThat(own.isRefusedBy(duplicate("a job with this id was already accepted (from conveyor.requests/3/0); "
                + "this request is ignored"))).isTrue();
        assertThat(own.isRefusedBy(duplicate("a job with this id was already accepted (from conveyor.requests/3/12)")))
                .isTrue();
    }

    @Test
    void aDuplicateNoticeSayingThisRecordWasAcceptedIsSomebodyElsesDuplicate() {
        assertThat(own.isRefusedBy(duplicate("a job with this id was already accepted (from conveyor.requests/3/1); "
                + "this request is ignored"))).isFalse();
    }

    @Test
    void otherStatesAreNotRefusals() {
        assertThat(own.isRefusedBy(JobStatusEvent.job("j", "submission", "ACCEPTED", "1 task on local"))).isFalse();
    }
}
