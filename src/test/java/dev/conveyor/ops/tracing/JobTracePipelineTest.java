package dev.conveyor.ops.tracing;

import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One job, five stages, one trace: a noop job's spans from submission to collection share a trace
 * id and name the job; every record the job produced on every topic carries that trace in its
 * W3C traceparent header; a producer's own traceparent is continued. The spans are read from an
 * in-memory exporter, the records from the real broker (each validated against schemas/).
 */
@QuarkusTest
@TestProfile(JobTracePipelineTest.InMemorySpans.class)
@WithTestResource(KafkaTestResource.class)
class JobTracePipelineTest {
    private static final List<String> STAGES = List.of("submission", "staging", "dispatch", "monitoring", "collection");
    private static final List<String> TOPICS = List.of("conveyor.submitted", "conveyor.staged", "conveyor.dispatched",
            "conveyor.completed", "conveyor.results", "conveyor.status");
    private static JobProbe probe;

    @Inject
    InMemorySpanExporter spans;

    /** Turns tracing on (off by default), selects the in-memory exporter (the app has no other) and exports ended spans at once. */
    public static class InMemorySpans implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ExporterProducer.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.tracing.enabled", "true", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Alternative
    @Singleton
    public static class ExporterProducer {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
        }
    }

    private static JobProbe probe() {
        if (probe == null) {
            probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return probe;
    }

    private static byte[] noopJob(String id) {
        return ("{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneJobsSpansAcrossAllFiveStagesShareOneTraceAndItsRecordsCarryIt() {
        String id = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        probe().publish(id, noopJob(id));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(60));
        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);

        List<SpanData> stageSpans = awaitStageSpans(id);
        Set<String> traceIds = stageSpans.stream().map(SpanData::getTraceId).collect(Collectors.toSet());
        assertThat(traceIds).as("one trace for the whole job").hasSize(1);
        String traceId = traceIds.iterator().next();
        for (String stage : STAGES) {
            assertThat(stageSpans).as(stage).filteredOn(s -> s.getName().equals("conveyor " + stage)).hasSize(1);
        }
        // the request had no traceparent: submission's span is the root, each later stage a child of the one before
        SpanData submission = span(stageSpans, "submission");
        assertThat(submission.getParentSpanContext().isValid()).isFalse();
        assertThat(span(stageSpans, "staging").getParentSpanId()).isEqualTo(submission.getSpanId());
        assertThat(span(stageSpans, "dispatch").getParentSpanId()).isEqualTo(span(stageSpans, "staging").getSpanId());
        assertThat(span(stageSpans, "monitoring").getParentSpanId()).isEqualTo(span(stageSpans, "dispatch").getSpanId());
        assertThat(span(stageSpans, "collection").getParentSpanId()).isEqualTo(span(stageSpans, "monitoring").getSpanId());
        assertThat(stageSpans).allSatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER));

        // calls under a CallPolicy (object store, backend) are children inside the job's trace
        List<SpanData> calls = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("conveyor call ") && s.getTraceId().equals(traceId)).toList();
        assertThat(calls).extracting(SpanData::getName).contains("conveyor call stage", "conveyor call collect");
        Set<String> stageSpanIds = stageSpans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
        assertThat(calls).allSatisfy(c -> {
            assertThat(c.getAttributes().get(JobTraces.JOB_ID)).isEqualTo(id);
            assertThat(c.getKind()).isEqualTo(SpanKind.CLIENT);
        });
        assertThat(calls).anySatisfy(c -> assertThat(stageSpanIds).contains(c.getParentSpanId()));

        // every record of the job on every hop carries the trace in its W3C traceparent header
        for (String topic : TOPICS) {
            List<JobProbe.Seen> records = probe().on(topic, id);
            assertThat(records).as(topic).isNotEmpty();
            assertThat(records).as(topic).allSatisfy(r ->
                    assertThat(r.headers().get("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01"));
        }
    }

    @Test
    void aProducersTraceparentIsContinuedToTheResult() {
        String id = "trace-in-" + UUID.randomUUID().toString().substring(0, 8);
        String producerTrace = UUID.randomUUID().toString().replace("-", "");
        String producerSpan = "00f067aa0ba902b7";
        probe().publish(id, noopJob(id), Map.of("traceparent", "00-" + producerTrace + "-" + producerSpan + "-01"));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(60));
        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);

        JobProbe.Seen published = probe().on("conveyor.results", id).get(0);
        assertThat(published.headers().get("traceparent")).startsWith("00-" + producerTrace + "-");
        List<SpanData> stageSpans = awaitStageSpans(id);
        assertThat(stageSpans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(producerTrace));
        assertThat(span(stageSpans, "submission").getParentSpanId()).isEqualTo(producerSpan);
    }

    /** The five stage spans of the job, once every one has ended and been exported. */
    private List<SpanData> awaitStageSpans(String id) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> stageSpans(id).stream()
                .map(SpanData::getName).collect(Collectors.toSet()).size() == STAGES.size());
        return stageSpans(id);
    }

    private List<SpanData> stageSpans(String id) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> id.equals(s.getAttributes().get(JobTraces.JOB_ID)))
                .filter(s -> STAGES.stream().anyMatch(st -> s.getName().equals("conveyor " + st)))
                .toList();
    }

    private static SpanData span(List<SpanData> spans, String stage) {
        return spans.stream().filter(s -> s.getName().equals("conveyor " + stage)).findFirst().orElseThrow();
    }
}
