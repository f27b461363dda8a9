package io.brushline.notifier;

import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.net.RetryAfter;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jboss.logging.Logger;

/**
 * Sends due webhook deliveries, signed per Standard Webhooks, and schedules retries: exponential
 * backoff with jitter, {@code Retry-After} honoured, 410 Gone stops the tenant's deliveries to that URL
 * (for {@code brushline.webhook.gone-ttl}).
 * Every attempt of a delivery carries the same webhook-id, so receivers can deduplicate.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    private static final MediaType JSON = MediaType.get("application/json");

    private final DeliveryQueue queue;
    private final WebhookSubjects subjects;
    private final WebhookConfig config;
    private final WebhookSigner signer;
    private final OkHttpClient http;
    private final OutboundUrlPolicy policy;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final StageMetrics metrics;
    private final JobTracing tracing;

    public WebhookDispatcher(DeliveryQueue queue, WebhookSubjects subjects, WebhookConfig config,
            OutboundUrlPolicy policy, StageMetrics metrics, JobTracing tracing) {
        this.policy = policy;
        this.metrics = metrics;
        this.tracing = tracing;
        this.queue = queue;
        this.subjects = subjects;
        this.config = config;
        this.signer = WebhookSigner.ofConfigured(config.secret());
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(config.concurrency());
        dispatcher.setMaxRequestsPerHost(config.concurrency());
        // Every call goes through policy.pin: connected only to the addresses its own lookup checked.
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .callTimeout(config.timeout())
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
    }

    // A thread of its own rather than @Scheduled: Quarkus' scheduler checks its triggers once a second,
    // which would add up to a second to every delivery and stretch short retry gaps.
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "webhook-dispatcher");
        thread.setDaemon(true);
        return thread;
    });

    void start(@Observes StartupEvent started) {
        long period = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::dispatchDueSafely, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }

    private void dispatchDueSafely() {
        try {
            dispatchDue();
        } catch (RuntimeException e) {
            // Redis unreachable: the deliveries stay due and the next round picks them up.
            LOG.warnf("could not look for due webhooks: %s", e.toString());
        }
    }

    void dispatchDue() {
        int free = config.concurrency() - inFlight.get();
        if (free <= 0) {
            return;
        }
        // The lease outlasts one attempt, so a delivery is retried only if this worker died.
        long leaseMillis = config.timeout().toMillis() + 10_000;
        for (String jobId : queue.leaseDue(free, leaseMillis)) {
            queue.load(jobId).ifPresent(delivery -> {
                if (delivery.pending()) {
                    attempt(delivery);
                } else {
                    recordOutcome(delivery, delivery.status());
                }
            });
        }
    }

    private void attempt(DeliveryQueue.Delivery delivery) {
        Runnable clearLogContext = JobTracing.logContext(delivery.jobId(), delivery.traceparent());
        try {
            send(delivery);
        } finally {
            clearLogContext.run();
        }
    }

    private void send(DeliveryQueue.Delivery delivery) {
        if (queue.isGone(delivery.tenant(), delivery.url())) {
            finish(delivery, "gone", delivery.attempts());
            return;
        }
        URI uri;
        try {
            uri = policy.checkForm(delivery.url());
        } catch (OutboundUrlPolicy.Refused e) {
            refuse(delivery, e.getMessage());
            return;
        }
        int attempt = delivery.attempts() + 1;
        long timestamp = Instant.now().getEpochSecond();
        // Ended when the answer comes, on the HTTP client's thread.
        Span span = tracing.start("webhook", SpanKind.CLIENT, delivery.jobId(), delivery.traceparent());
        span.setAttribute("http.request.method", "POST");
        span.setAttribute("url.full", delivery.url());
        span.setAttribute("brushline.webhook.attempt", attempt);
        Request.Builder builder = new Request.Builder().url(uri.toString());
        // The receiver can continue the job's trace.
        JobTracing.traceparentOf(span).ifPresent(traceparent -> builder.header("traceparent", traceparent));
        Request request = builder
                .header("webhook-id", delivery.webhookId())
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signer.sign(delivery.webhookId(), timestamp, delivery.body()))
                .post(RequestBody.create(delivery.body(), JSON))
                .build();
        inFlight.incrementAndGet();
        // The name is looked up (and checked) again at each delivery: it may resolve elsewhere by now.
        policy.pin(http, uri).newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException error) {
                inFlight.decrementAndGet();
                span.setStatus(StatusCode.ERROR, error.toString());
                record(delivery, span, () -> error instanceof OutboundUrlPolicy.RefusedAddress
                        ? refuse(delivery, error.getMessage())
                        : retryOrGiveUp(delivery, attempt, Optional.empty(), error.toString()));
            }

            @Override
            public void onResponse(Call call, Response response) {
                inFlight.decrementAndGet();
                try (response) {
                    span.setAttribute("http.response.status_code", response.code());
                    record(delivery, span, () -> {
                        if (response.isSuccessful()) {
                            return finish(delivery, "delivered", attempt);
                        }
                        if (response.code() == 410) {
                            queue.markGone(delivery.tenant(), delivery.url());
                            return finish(delivery, "gone", attempt);
                        }
                        span.setStatus(StatusCode.ERROR, "HTTP " + response.code());
                        var retryAfter = RetryAfter.parse(Optional.ofNullable(response.header("retry-after")),
                                Instant.now());
                        return retryOrGiveUp(delivery, attempt, retryAfter, "HTTP " + response.code());
                    });
                }
            }
        });
    }

    private String refuse(DeliveryQueue.Delivery delivery, String why) {
        LOG.warnf("webhook %s not sent: %s", delivery.webhookId(), why);
        return finish(delivery, "refused", delivery.attempts());
    }

    /** Records an attempt's outcome, counts it, and ends its span. */
    private void record(DeliveryQueue.Delivery delivery, Span span, Supplier<String> outcome) {
        Runnable clearLogContext = JobTracing.logContext(delivery.jobId(), delivery.traceparent());
        try {
            metrics.webhookAttempt(outcome.get());
        } catch (RuntimeException e) {
            // The lease expires and the delivery is tried again.
            LOG.errorf(e, "could not record the outcome of webhook %s", delivery.webhookId());
        } finally {
            span.end();
            clearLogContext.run();
        }
    }

    /** @return the attempt's result: retry or exhausted */
    private String retryOrGiveUp(DeliveryQueue.Delivery delivery, int attempt, Optional<Duration> retryAfter,
            String why) {
        if (attempt >= config.maxAttempts()) {
            LOG.warnf("webhook %s to %s failed %d times (%s), giving up", delivery.webhookId(), delivery.url(),
                    attempt, why);
            return finish(delivery, "exhausted", attempt);
        }
        Duration delay = retryAfter.orElseGet(() -> backoff(attempt));
        if (delay.compareTo(config.maxBackoff()) > 0) {
            delay = config.maxBackoff();
        }
        LOG.infof("webhook %s attempt %d failed (%s), next in %s", delivery.webhookId(), attempt, why, delay);
        queue.retryAt(delivery.jobId(), attempt, System.currentTimeMillis() + delay.toMillis());
        return "retry";
    }

    /** initial * 2^(attempt-1), capped, then +-20% jitter so that retries after an outage spread out. */
    Duration backoff(int attempt) {
        double base = config.initialBackoff().toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
        double capped = Math.min(base, config.maxBackoff().toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (capped * jitter));
    }

    /** @return the status, which is also the result of the delivery's last attempt */
    private String finish(DeliveryQueue.Delivery delivery, String status, int attempts) {
        queue.finish(delivery.jobId(), status, attempts);
        recordOutcome(delivery, status);
        LOG.infof("webhook %s %s after %d attempts", delivery.webhookId(), status, attempts);
        return status;
    }

    /** Writes the delivery's final status to the job, batch or dataset, then lets the delivery go. */
    private void recordOutcome(DeliveryQueue.Delivery delivery, String status) {
        subjects.recordStatus(delivery.jobId(), status);
        queue.forget(delivery.jobId());
    }
}
