package io.brushline.common.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.MDC;

/**
 * One OpenTelemetry trace per job. The trace context travels in the message itself (the
 * {@code traceparent} of every EditJob), not only in Kafka headers, so that it survives retries,
 * the dead-letter topic and the webhook queue in Redis. Each stage opens a span whose parent is the
 * message's {@code traceparent} and hands its own span on as the next message's {@code traceparent}.
 *
 * <p>While a job is worked on, the logging context (MDC) carries {@code jobId} and {@code traceId},
 * so every log line of the job can be found. With tracing off (the default) the spans are no-ops and
 * the message's {@code traceparent} passes through unchanged.
 */
@ApplicationScoped
public class JobTracing {

    public static final String MDC_JOB_ID = "jobId";
    public static final String MDC_TRACE_ID = "traceId";

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    public JobTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Starts a span for the job, child of {@code traceparent}, current on this thread until closed,
     * with the job in the logging context.
     */
    public JobSpan open(String name, SpanKind kind, String jobId, String traceparent) {
        Span span = start(name, kind, jobId, traceparent);
        return new JobSpan(span, span.makeCurrent(), jobId, traceparentOf(span).orElse(traceparent));
    }

    /** Starts a span that the caller ends, possibly on another thread (an asynchronous HTTP call). */
    public Span start(String name, SpanKind kind, String jobId, String traceparent) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        return tracer.spanBuilder(name).setParent(parent).setSpanKind(kind)
                .setAttribute("brushline.job.id", jobId).startSpan();
    }

    /** The W3C {@code traceparent} of the span that is current on this thread, if there is a valid one. */
    public static Optional<String> currentTraceparent() {
        return traceparentOf(Span.current());
    }

    public static Optional<String> traceparentOf(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex());
    }

    /** The trace id inside a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
    public static String traceId(String traceparent) {
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        return parts.length == 4 ? parts[1] : "";
    }

    /** Puts the job into the logging context of this thread; returns what to call to take it out. */
    public static Runnable logContext(String jobId, String traceparent) {
        Object previousJob = MDC.get(MDC_JOB_ID);
        Object previousTrace = MDC.get(MDC_TRACE_ID);
        MDC.put(MDC_JOB_ID, jobId);
        MDC.put(MDC_TRACE_ID, traceId(traceparent));
        return () -> {
            restore(MDC_JOB_ID, previousJob);
            restore(MDC_TRACE_ID, previousTrace);
        };
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }

    /** A job's span, current on the thread that opened it. */
    public static final class JobSpan implements AutoCloseable {

        private final Span span;
        private final Scope scope;
        private final String traceparent;
        private final Runnable clearLogContext;

        private JobSpan(Span span, Scope scope, String jobId, String traceparent) {
            this.span = span;
            this.scope = scope;
            this.traceparent = traceparent;
            this.clearLogContext = logContext(jobId, traceparent);
        }

        /** What the next message of this job carries: this span as the parent of the next stage's. */
        public String traceparent() {
            return traceparent;
        }

        /** Marks the span failed, with the failure code the user sees. */
        public void failed(String code, String reason) {
            span.setAttribute("brushline.failure.code", code);
            span.setStatus(StatusCode.ERROR, reason);
        }

        @Override
        public void close() {
            clearLogContext.run();
            scope.close();
            span.end();
        }
    }
}
