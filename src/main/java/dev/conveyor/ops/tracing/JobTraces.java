package dev.conveyor.ops.tracing;

import dev.conveyor.messaging.JobLogContext;
import dev.conveyor.messaging.RecordTracer;
import dev.conveyor.messaging.RecordTracing;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.CallTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.Headers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One trace per job, across every Kafka hop. Each stage's work on a job's record is one span
 * ({@code conveyor <stage>}, attribute {@code conveyor.job.id}), a child of the context the record
 * carried in its W3C {@code traceparent} header; each record the stage produces for the job
 * carries that span's context on. The stages do not keep one thread per job (records wait in the
 * KeyedExecutor, monitoring publishes from its poll cycle, collection from a transaction), so the
 * open spans are kept here by job and stage rather than in a thread-local. Each attempt of a call
 * under a {@link CallPolicy} (backend API, object store) is a child span of the job's span,
 * found through the job id in the logging MDC. Export is Quarkus's configuration (quarkus.otel.*);
 * all of it only with {@code conveyor.tracing.enabled=true} ({@link TracingConfig}).
 */
@Startup
@ApplicationScoped
public class JobTraces implements CallTracer {
    static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("conveyor.job.id");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("conveyor.stage");
    private static final AttributeKey<String> POLICY = AttributeKey.stringKey("conveyor.call.policy");
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("conveyor.call.operation");
    /** Jobs whose last context is remembered after their spans ended (records produced late, e.g. a status). */
    private static final int REMEMBERED = 10_000;

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobTraces.class);

    @Inject
    OpenTelemetry openTelemetry;
    @Inject
    TracingConfig config;

    private Tracer tracer;
    private final W3CTraceContextPropagator propagator = W3CTraceContextPropagator.getInstance();
    /** Open spans: job id → stage → span (insertion order: the last one is the job's latest). */
    private final Map<String, LinkedHashMap<String, Span>> open = new ConcurrentHashMap<>();
    private final Map<String, SpanContext> last = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
            return size() > REMEMBERED;
        }
    });

    @PostConstruct
    void bind() {
        tracer = openTelemetry.getTracer("dev.conveyor");
        if (!config.enabled()) {
            LOG.debug("tracing is off (conveyor.tracing.enabled=false): no spans, no traceparent on produced records");
            return;
        }
        RecordTracing.use(new RecordTracer() {
            @Override
            public RecordTracer.Span taken(String stage, String jobId, Headers headers) {
                return JobTraces.this.taken(stage, jobId, headers);
            }

            @Override
            public void inject(String stage, String jobId, Headers headers) {
                JobTraces.this.inject(stage, jobId, headers);
            }
        });
        CallPolicy.traceCalls(this);
    }

    @PreDestroy
    void unbind() {
        RecordTracing.use(null);
        CallPolicy.traceCalls(null);
    }

    /** A stage starts work on a record of the job: its span, a child of the record's trace context. */
    RecordTracer.Span taken(String stage, String jobId, Headers headers) {
        try {
            Context parent = propagator.extract(Context.root(), headers, KafkaHeaderCarrier.INSTANCE);
            var builder = tracer.spanBuilder("conveyor " + stage).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                    .setAttribute(STAGE, stage).setAttribute("messaging.system", "kafka");
            if (jobId != null) {
                builder.setAttribute(JOB_ID, jobId);
            }
            StageSpan s = new StageSpan(stage, builder.startSpan());
            if (jobId != null) {
                s.job(jobId);
            }
            return s;
        } catch (RuntimeException e) {
            return RecordTracer.Span.NONE; // tracing never stops a stage
        }
    }

    /** The trace context a record of the job produced by the stage carries. */
    void inject(String stage, String jobId, Headers headers) {
        try {
            SpanContext ctx = contextFor(stage, jobId);
            if (ctx != null && ctx.isValid()) {
                propagator.inject(Context.root().with(Span.wrap(ctx)), headers, KafkaHeaderCarrier.INSTANCE);
            }
        } catch (RuntimeException e) {
            // a record without trace headers is still a good record
        }
    }

    /** The span a record of the job produced by the stage continues. */
    private SpanContext contextFor(String stage, String jobId) {
        if (jobId != null) {
            LinkedHashMap<String, Span> spans = open.get(jobId);
            if (spans != null) {
                synchronized (spans) {
                    Span s = spans.get(stage);
                    if (s == null && !spans.isEmpty()) {
                        s = spans.values().stream().reduce((a, b) -> b).orElse(null);
                    }
                    if (s != null) {
                        return s.getSpanContext();
                    }
                }
            }
        }
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid()) {
            return current;
        }
        return jobId == null ? null : last.get(jobId);
    }

    @Override
    public <T> T traced(String policy, String operation, Callable<T> attempt) throws Exception {
        SpanContext parent = Span.current().getSpanContext();
        if (!parent.isValid()) {
            String jobId = JobLogContext.current();
            parent = jobId == null ? null : latestOpen(jobId);
        }
        if (parent == null || !parent.isValid()) {
            return attempt.call(); // a call for no one job (a poll over many): no span
        }
        Span span = tracer.spanBuilder("conveyor call " + operation).setParent(Context.root().with(Span.wrap(parent)))
                .setSpanKind(SpanKind.CLIENT).setAttribute(POLICY, policy).setAttribute(OPERATION, operation).startSpan();
        String jobId = JobLogContext.current();
        if (jobId != null) {
            span.setAttribute(JOB_ID, jobId);
        }
        try (Scope ignored = span.makeCurrent()) {
            return attempt.call();
        } catch (Exception | Error e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private SpanContext latestOpen(String jobId) {
        LinkedHashMap<String, Span> spans = open.get(jobId);
        if (spans == null) {
            return null;
        }
        synchronized (spans) {
            return spans.values().stream().reduce((a, b) -> b).map(Span::getSpanContext).orElse(null);
        }
    }

    /**
     * Marks the span failed with the failure's type only: exception messages can carry URLs or
     * service replies, and traces leave the process (no secret in a message, a log or a trace).
     */
    private static void failed(Span span, Throwable failure) {
        span.setAttribute(EXCEPTION_TYPE, failure.getClass().getName());
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }

    /** Spans open right now (for tests). */
    int openSpans() {
        return open.values().stream().mapToInt(Map::size).sum();
    }

    private final class StageSpan implements RecordTracer.Span {
        private final String stage;
        private final Span span;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile String jobId;

        StageSpan(String stage, Span span) {
            this.stage = stage;
            this.span = span;
        }

        @Override
        public void job(String id) {
            if (id == null || id.equals(jobId) || ended.get()) {
                return;
            }
            jobId = id;
            span.setAttribute(JOB_ID, id);
            open.compute(id, (k, spans) -> {
                LinkedHashMap<String, Span> mine = spans == null ? new LinkedHashMap<>() : spans;
                synchronized (mine) {
                    mine.remove(stage); // re-insert: this one is the job's latest
                    mine.put(stage, span);
                }
                return mine;
            });
        }

        @Override
        public void end(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            try {
                if (failure != null) {
                    failed(span, failure);
                }
                span.end();
                String id = jobId;
                if (id != null) {
                    last.put(id, span.getSpanContext());
                    open.computeIfPresent(id, (k, spans) -> {
                        synchronized (spans) {
                            spans.remove(stage, span);
                            return spans.isEmpty() ? null : spans;
                        }
                    });
                }
            } catch (RuntimeException e) {
                // tracing never stops a stage
            }
        }
    }
}
