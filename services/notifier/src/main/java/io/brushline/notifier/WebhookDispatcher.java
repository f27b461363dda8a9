package io.brushline.notifier;

import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.observability.JobTracing;
import io.brushline.common.observability.StageMetrics;
import io.brushline.common.state.JobStore;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends due webhook deliveries, signed per Standard Webhooks, and schedules retries: exponential
 * backoff with jitter, {@code Retry-After} honoured, 410 Gone stops deliveries to that URL for good.
 * Every attempt of a delivery carries the same webhook-id, so receivers can deduplicate.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final DeliveryQueue queue;
    private final JobStore jobs;
    private final WebhookConfig config;
    private final WebhookSigner signer;
    private final HttpClient http;
    private final OutboundUrlPolicy policy;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final StageMetrics metrics;
    private final JobTracing tracing;

    public WebhookDispatcher(DeliveryQueue queue, JobStore jobs, WebhookConfig config, OutboundUrlPolicy policy,
            StageMetrics metrics, JobTracing tracing) {
        this.policy = policy;
        this.metrics = metrics;
        this.tracing = tracing;
        this.queue = queue;
        this.jobs = jobs;
        this.config = config;
        this.signer = new WebhookSigner(config.secret());
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
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
            queue.load(jobId).ifPresent(this::attempt);
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
        if (queue.isGone(delivery.url())) {
            finish(delivery, "gone", delivery.attempts());
            return;
        }
        try {
            // Checked again at delivery: the name may resolve to an internal address by now.
            policy.check(delivery.url());
        } catch (OutboundUrlPolicy.Refused e) {
            LOG.warnf("webhook %s not sent: %s", delivery.webhookId(), e.getMessage());
            finish(delivery, "refused", delivery.attempts());
            return;
        }
        int attempt = delivery.attempts() + 1;
        long timestamp = Instant.now().getEpochSecond();
        // Ended when the answer comes, on the HTTP client's thread.
        Span span = tracing.start("webhook", SpanKind.CLIENT, delivery.jobId(), delivery.traceparent());
        span.setAttribute("http.request.method", "POST");
        span.setAttribute("url.full", delivery.url());
        span.setAttribute("brushline.webhook.attempt", attempt);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(delivery.url()));
        // The receiver can continue the job's trace.
        JobTracing.traceparentOf(span).ifPresent(traceparent -> builder.header("traceparent", traceparent));
        HttpRequest request = builder
                .timeout(config.timeout())
                .header("content-type", "application/json")
                .header("webhook-id", delivery.webhookId())
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signer.sign(delivery.webhookId(), timestamp, delivery.body()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                .build();
        inFlight.incrementAndGet();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            inFlight.decrementAndGet();
            Runnable clearLogContext = JobTracing.logContext(delivery.jobId(), delivery.traceparent());
            try {
                String result;
                if (error != null) {
                    span.setStatus(StatusCode.ERROR, error.toString());
                    result = retryOrGiveUp(delivery, attempt, Optional.empty(), error.toString());
                } else {
                    span.setAttribute("http.response.status_code", response.statusCode());
                    if (response.statusCode() / 100 == 2) {
                        result = finish(delivery, "delivered", attempt);
                    } else if (response.statusCode() == 410) {
                        queue.markGone(delivery.url());
                        result = finish(delivery, "gone", attempt);
                    } else {
                        span.setStatus(StatusCode.ERROR, "HTTP " + response.statusCode());
                        result = retryOrGiveUp(delivery, attempt, retryAfter(response), "HTTP " + response.statusCode());
                    }
                }
                metrics.webhookAttempt(result);
            } catch (RuntimeException e) {
                // The lease expires and the delivery is tried again.
                LOG.errorf(e, "could not record the outcome of webhook %s", delivery.webhookId());
            } finally {
                span.end();
                clearLogContext.run();
            }
        });
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

    /** Retry-After as delay-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("retry-after").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    var at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration delay = Duration.between(Instant.now(), at);
                    return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
                } catch (RuntimeException unparseable) {
                    return Optional.empty();
                }
            }
        });
    }

    /** @return the status, which is also the result of the delivery's last attempt */
    private String finish(DeliveryQueue.Delivery delivery, String status, int attempts) {
        queue.finish(delivery.jobId(), status, attempts);
        jobs.recordWebhookStatus(delivery.jobId(), status);
        LOG.infof("webhook %s %s after %d attempts", delivery.webhookId(), status, attempts);
        return status;
    }
}
