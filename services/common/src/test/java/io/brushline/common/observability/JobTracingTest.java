package io.brushline.common.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class JobTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    /** Keeps every ended span. */
    private static final class Collected implements SpanExporter {
        final List<SpanData> spans = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void aStageSpanIsAChildOfTheMessagesTraceparentAndBecomesTheNextOnesParent() {
        var collected = new Collected();
        try (var provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collected)).build()) {
            var tracing = new JobTracing(provider.get("test"));
            String next;
            try (var span = tracing.open("classify", SpanKind.CONSUMER, "job-1", PARENT)) {
                next = span.traceparent();
                assertEquals("job-1", MDC.get(JobTracing.MDC_JOB_ID), "the job is in the logging context");
                assertEquals(TRACE_ID, MDC.get(JobTracing.MDC_TRACE_ID));
                span.failed("object_not_found", "no giraffe");
            }
            assertNull(MDC.get(JobTracing.MDC_JOB_ID), "and leaves it with the span");
            SpanData classify = collected.spans.get(0);
            assertEquals(TRACE_ID, classify.getTraceId());
            assertEquals("00f067aa0ba902b7", classify.getParentSpanId());
            assertEquals("job-1", classify.getAttributes().get(AttributeKey.stringKey("brushline.job.id")));
            assertEquals("object_not_found", classify.getAttributes().get(AttributeKey.stringKey("brushline.failure.code")));
            assertEquals("00-" + TRACE_ID + "-" + classify.getSpanId() + "-01", next);
            assertNotEquals(PARENT, next);
        }
    }

    @Test
    void withTracingOffTheMessagesTraceparentPassesThroughUnchanged() {
        var tracing = new JobTracing(OpenTelemetry.noop().getTracer("test"));
        try (var span = tracing.open("mask", SpanKind.CONSUMER, "job-2", PARENT)) {
            assertEquals(PARENT, span.traceparent());
            assertEquals(TRACE_ID, MDC.get(JobTracing.MDC_TRACE_ID), "logs still carry the trace id");
        }
    }
}
