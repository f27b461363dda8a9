package io.brushline.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.localstack.MultipartForm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A client of the gateway that behaves like a careful real one: a submission that meets a
 * connection error, 503, 429 or a 409 saying an earlier attempt is still in progress is sent again
 * after a backoff with the same Idempotency-Key, so an interrupted submission is finished by the
 * gateway rather than duplicated.
 */
final class EditClient {

    /** An accepted submission: the job id, when the first attempt started and how many it took. */
    record Submitted(String jobId, long firstAttemptMillis, long acceptedMillis, int attempts) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    EditClient(String base) {
        this.base = base;
    }

    Submitted submit(byte[] image, String instruction, String box, String webhookUrl, String idempotencyKey)
            throws InterruptedException {
        var form = new MultipartForm().field("instruction", instruction).field("box", box)
                .field("webhook_url", webhookUrl).file("image", image);
        Accepted accepted = sendUntilAccepted(() -> HttpRequest.newBuilder(URI.create(base + "/v1/edits"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", form.contentType())
                .header("Idempotency-Key", idempotencyKey)
                .POST(form.body())
                .build(), idempotencyKey);
        return new Submitted(accepted.body().path("id").asText(), accepted.firstAttemptMillis(),
                accepted.acceptedMillis(), accepted.attempts());
    }

    /**
     * Submits a JSON batch manifest (POST /v1/batches) with the same retries as a single edit; the
     * answer may take long, since it comes once every item is queued.
     */
    Accepted submitBatch(String manifestJson, String idempotencyKey) throws InterruptedException {
        return sendUntilAccepted(() -> batchRequest(manifestJson).header("Idempotency-Key", idempotencyKey).build(),
                idempotencyKey);
    }

    /** One attempt at {@code POST /v1/batches} without an Idempotency-Key, as a client that does not retry makes. */
    HttpResponse<String> submitBatchOnce(String manifestJson) throws IOException, InterruptedException {
        return http.send(batchRequest(manifestJson).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder batchRequest(String manifestJson) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(manifestJson));
    }

    /** An accepted submission: the answer's body, when the first attempt started and how many it took. */
    record Accepted(JsonNode body, long firstAttemptMillis, long acceptedMillis, int attempts) {
    }

    /**
     * Sends the request until it is accepted (200 or 202): a connection error, 503, 429 or a 409 saying
     * an earlier attempt is still in progress is retried after a backoff, anything else fails the test.
     */
    private Accepted sendUntilAccepted(Supplier<HttpRequest> request, String idempotencyKey)
            throws InterruptedException {
        long first = System.currentTimeMillis();
        long backoff = FIRST_BACKOFF_MILLIS;
        String lastProblem = "";
        for (int attempt = 1; System.currentTimeMillis() - first < GIVE_UP_AFTER.toMillis(); attempt++) {
            long wait;
            try {
                HttpResponse<String> response = http.send(request.get(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 202 || status == 200) {
                    return new Accepted(JSON.readTree(response.body()), first, System.currentTimeMillis(), attempt);
                }
                // 409 idempotency_key_in_use: an earlier attempt with this key is still being submitted.
                boolean inProgress = status == 409 && response.body().contains("idempotency_key_in_use");
                if (status != 503 && status != 429 && !inProgress) {
                    throw new AssertionError("submission refused with " + status + ": " + response.body());
                }
                lastProblem = status + " " + response.body();
                wait = response.headers().firstValue("Retry-After")
                        .map(seconds -> Long.parseLong(seconds.trim()) * 1000).orElse(backoff);
            } catch (IOException e) {
                lastProblem = e.toString();
                wait = backoff;
            }
            Thread.sleep(jittered(wait));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        throw new AssertionError("submission " + idempotencyKey + " not accepted within " + GIVE_UP_AFTER
                + "; last answer: " + lastProblem);
    }

    /** The job's status, waiting out a gateway that is down or busy restarting. */
    JsonNode status(String jobId) throws InterruptedException {
        return get("/v1/edits/" + jobId);
    }

    /** GET of a path of the API answering JSON, waiting out a gateway that is down or busy restarting. */
    JsonNode get(String path) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GIVE_UP_AFTER.toMillis();
        while (true) {
            try {
                var request = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10)).GET().build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() != 503 || System.currentTimeMillis() > deadline) {
                    throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": "
                            + response.body());
                }
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("GET " + path + " unreachable", e);
                }
            }
            Thread.sleep(200);
        }
    }

    /** Sends {@code method} to a path of the API; the status code. */
    int call(String method, String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * The job's state as the API shows it now, in one quick request (well inside a webhook sender's
     * timeout); empty when the gateway does not answer in time.
     */
    Optional<String> stateNow(String jobId) {
        try {
            var request = HttpRequest.newBuilder(URI.create(base + "/v1/edits/" + jobId))
                    .timeout(Duration.ofMillis(500)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body()).path("state").asText())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static long jittered(long millis) {
        return (long) (millis * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }
}
