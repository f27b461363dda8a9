package io.brushline.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A client of the Brushline gateway's HTTP API ({@code /v1/edits}, {@code /v1/batches} and
 * {@code /v1/datasets}). Thread-safe; make one per server
 * and share it.
 *
 * <pre>{@code
 * BrushlineClient client = BrushlineClient.builder("http://localhost:8080").apiKey(key).build();
 * Submitted job = client.submit(EditRequest.builder()
 *         .image(Path.of("photo.jpg")).instruction("remove the dog").idempotencyKey("7f1c").build());
 * Job done = client.watch(job.id(), update -> System.out.println(update.state()));
 * if (done.succeeded()) {
 *     client.downloadResult(job.id(), Path.of("out" + done.resultExtension()));
 * }
 * }</pre>
 *
 * <p>Every failure is a {@link BrushlineException} whose message says in words what happened. Answers
 * 429 (rate limited) and 503 (temporarily unavailable), and 409 while another request with the same
 * idempotency key is still being submitted, are retried a bounded number of times, waiting as long
 * as the gateway's {@code Retry-After} says (or 1, 2, 4 ... s without one) but never longer than
 * {@link Builder#maxRetryWait}; a submission is only retried when it carries an idempotency key or
 * the gateway said that nothing was accepted (429, 503).
 */
public final class BrushlineClient {

    /** Pauses between retries; replaceable so that tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final String server;
    private final String apiKey;
    private final HttpClient http;
    private final int maxRetries;
    private final Duration maxRetryWait;
    private final Duration requestTimeout;
    private final Duration pollInterval;
    private final Sleeper sleeper;

    private BrushlineClient(Builder b) {
        this.server = b.server;
        this.apiKey = b.apiKey;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.maxRetries = b.maxRetries;
        this.maxRetryWait = b.maxRetryWait;
        this.requestTimeout = b.requestTimeout;
        this.pollInterval = b.pollInterval;
        this.sleeper = b.sleeper;
    }

    /** A builder for a client of the gateway at {@code server}, such as {@code http://localhost:8080}. */
    public static Builder builder(String server) {
        return new Builder(server);
    }

    /** The server this client talks to, without a trailing slash. */
    public String server() {
        return server;
    }

    /** Submits an edit; the job runs on its own, follow it with {@link #watch} or {@link #status}. */
    public Submitted submit(EditRequest edit) {
        Multipart form = edit.toForm();
        return parse(post("/v1/edits", form.contentType(), form::publisher, edit.idempotencyKey(),
                "submitting the edit").body(), Submitted.class);
    }

    /** The job's state, decisions, timings and failure reason. */
    public Job status(String id) {
        return parse(get(path(id, ""), "reading the status of job " + id).body(), Job.class);
    }

    /** Cancels the job if it has not ended (a job that has ended stays as it is); answers its status. */
    public Job cancel(String id) {
        HttpResponse<byte[]> response = send(() -> request(path(id, "")).timeout(requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray(), "canceling job " + id, true);
        return parse(response.body(), Job.class);
    }

    /**
     * The edited image of a job that SUCCEEDED, PNG or JPEG as its {@link Job#resultType()} says; any
     * other job answers 409 (a BrushlineException).
     */
    public byte[] result(String id) {
        return get(path(id, "/result"), "downloading the result of job " + id).body();
    }

    /** The mask the painter used (PNG, white = repainted). */
    public byte[] mask(String id) {
        return get(path(id, "/mask"), "downloading the mask of job " + id).body();
    }

    /**
     * Writes the result to {@code target}, completely or not at all (through a temporary file in the
     * same folder), so an interrupted download never leaves a partial image behind.
     */
    public void downloadResult(String id, Path target) {
        write(result(id), target);
    }

    /** Writes the mask to {@code target}, completely or not at all. */
    public void downloadMask(String id, Path target) {
        write(mask(id), target);
    }

    /**
     * Follows the job's progress (server-sent events) and calls {@code onChange} with its status each
     * time it changes, the first time at once; returns when the job has ended, with its final status.
     * A stream that closes before the job ends is opened again; when the gateway refuses another
     * stream (too many open for the tenant), the status is polled instead.
     */
    public Job watch(String id, Consumer<Job> onChange) {
        Objects.requireNonNull(onChange);
        Job[] last = {null};
        Consumer<Job> deliver = job -> {
            if (!job.equals(last[0])) {
                last[0] = job;
                onChange.accept(job);
            }
        };
        int brokenStreams = 0;
        boolean poll = false;
        while (true) {
            if (poll) {
                deliver.accept(status(id));
                if (last[0].isTerminal()) {
                    return last[0];
                }
                pause(pollInterval, "following job " + id);
                continue;
            }
            try {
                HttpResponse<Stream<String>> response = send(
                        () -> request(path(id, "/events")).timeout(requestTimeout)
                                .header("Accept", "text/event-stream").GET().build(),
                        HttpResponse.BodyHandlers.ofLines(), "following job " + id, true);
                int events;
                try (Stream<String> lines = response.body()) {
                    int[] count = {0};
                    ServerSentEvents.read(lines.iterator(), event -> {
                        if (event.data().isBlank()) {
                            return true;
                        }
                        count[0]++;
                        deliver.accept(parse(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                Job.class));
                        return !last[0].isTerminal();
                    });
                    events = count[0];
                } catch (java.io.UncheckedIOException e) {
                    throw failure(e.getCause(), "following job " + id);
                }
                if (last[0] != null && last[0].isTerminal()) {
                    return last[0];
                }
                // a stream closes after the gateway's maximum duration: open the next one; one that
                // closes without saying anything, repeatedly, is not worth opening again
                brokenStreams = events == 0 ? brokenStreams + 1 : 0;
            } catch (BrushlineException.RateLimited e) {
                if (!"too_many_streams".equals(e.code())) {
                    throw e;
                }
                poll = true;
                continue;
            } catch (BrushlineException e) {
                if (e.status() != 0 || e instanceof BrushlineException.ServerUnreachable
                        || "interrupted".equals(e.code())) {
                    throw e;
                }
                brokenStreams++;
            }
            if (brokenStreams > maxRetries) {
                poll = true;
            } else if (brokenStreams > 0) {
                pause(backoff(brokenStreams - 1), "following job " + id);
            }
        }
    }

    /**
     * The job's progress as a {@link Flow.Publisher}: each subscriber gets the status each time it
     * changes, then {@code onComplete} when the job has ended (or {@code onError} with a
     * {@link BrushlineException}). Each subscription follows the job on a thread of its own; canceling
     * the subscription stops following at the next update.
     */
    public Flow.Publisher<Job> progress(String id) {
        path(id, "");
        return subscriber -> {
            SubmissionPublisher<Job> publisher = new SubmissionPublisher<>();
            publisher.subscribe(subscriber);
            Thread follower = new Thread(() -> {
                try {
                    watch(id, job -> {
                        if (publisher.getNumberOfSubscribers() == 0) {
                            throw new Canceled();
                        }
                        publisher.submit(job);
                    });
                    publisher.close();
                } catch (Canceled e) {
                    publisher.close();
                } catch (RuntimeException e) {
                    publisher.closeExceptionally(e);
                }
            }, "brushline-progress-" + id);
            follower.setDaemon(true);
            follower.start();
        };
    }

    /**
     * Submits a batch of edits ({@code POST /v1/batches}); answers once the gateway has queued every
     * item (or failed it alone). A request without an idempotency key is sent with one made here, so
     * that this client's own retries of a batch cut short (503) finish that batch instead of starting
     * a second one; give a key of your own to make your retries safe as well. A large batch of image
     * URLs may take the gateway longer than {@link Builder#requestTimeout} to answer: raise it, or
     * retry with the same key, which answers the batch once the first call has submitted it.
     */
    public BatchSubmitted submitBatch(BatchRequest batch) {
        String body = batch.toJson();
        return parse(post("/v1/batches", "application/json", () -> HttpRequest.BodyPublishers.ofString(body),
                keyOrMade(batch.idempotencyKey()), "submitting the batch").body(), BatchSubmitted.class);
    }

    /** The batch's state and counts, with its first page of items. */
    public Batch batch(String id) {
        return batchPage(id, null, null);
    }

    /** The batch with every one of its items, read page after page. */
    public Batch batchWithItems(String id) {
        Batch first = batchPage(id, null, null);
        java.util.List<Batch.Item> items = new java.util.ArrayList<>(first.items());
        for (Batch page = first; page.nextPageToken() != null; ) {
            page = batchPage(id, page.nextPageToken(), null);
            items.addAll(page.items());
        }
        return first.withItems(items);
    }

    /** Cancels every item of the batch that has not ended; answers the batch as it is then. */
    public Batch cancelBatch(String id) {
        HttpResponse<byte[]> response = send(() -> request(batchPath(id, "")).timeout(requestTimeout).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray(), "canceling batch " + id, true);
        return parse(response.body(), Batch.class);
    }

    /** The result manifest of a batch whose items have all ended: JSON lines, one per item in order. */
    public String batchManifest(String id) {
        return new String(get(batchPath(id, "/manifest"), "downloading the manifest of batch " + id).body(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Reads the batch every {@link Builder#pollInterval} until every item has ended, calling
     * {@code onChange} each time its state or counts change (the first time at once); answers the
     * batch with all its items.
     */
    public Batch watchBatch(String id, Consumer<Batch> onChange) {
        Objects.requireNonNull(onChange);
        Batch last = null;
        while (true) {
            Batch now = batchPage(id, null, 1);
            if (last == null || !Objects.equals(now.state(), last.state()) || !now.counts().equals(last.counts())) {
                onChange.accept(now);
            }
            last = now;
            if (now.isFinished()) {
                return batchWithItems(id);
            }
            pause(pollInterval, "following batch " + id);
        }
    }

    /**
     * Starts a dataset job ({@code POST /v1/datasets}): uploaded files go as a multipart form, photos
     * the gateway fetches as its JSON manifest. As with {@link #submitBatch}, a request without an
     * idempotency key is sent with one made here, so that this client's own retries of a submission
     * cut short finish that dataset instead of starting a second one.
     */
    public DatasetSubmitted submitDataset(DatasetRequest dataset) {
        String key = keyOrMade(dataset.idempotencyKey());
        HttpResponse<byte[]> response;
        if (dataset.isUpload()) {
            Multipart form = dataset.toForm();
            response = post("/v1/datasets", form.contentType(), form::publisher, key, "submitting the dataset");
        } else {
            String json = dataset.toJson();
            response = post("/v1/datasets", "application/json", () -> HttpRequest.BodyPublishers.ofString(json), key,
                    "submitting the dataset");
        }
        return parse(response.body(), DatasetSubmitted.class);
    }

    /** The dataset's progress, what it kept and dropped, and where its output is. */
    public Dataset dataset(String id) {
        return parse(get(datasetPath(id, ""), "reading dataset " + id).body(), Dataset.class);
    }

    /**
     * A file of a dataset's output, by its path in the dataset: {@code metadata.jsonl}, {@code README.md},
     * or an image a metadata row names ({@code images/000000-00-source.png}).
     */
    public byte[] datasetFile(String id, String path) {
        return get(datasetPath(id, "/files/" + filePath(path)), "downloading " + path + " of dataset " + id).body();
    }

    /**
     * Reads the dataset every {@link Builder#pollInterval} until it has completed, calling
     * {@code onChange} each time its progress changes (the first time at once); answers the completed dataset.
     */
    public Dataset watchDataset(String id, Consumer<Dataset> onChange) {
        Objects.requireNonNull(onChange);
        java.util.List<Object> last = null;
        while (true) {
            Dataset now = dataset(id);
            java.util.List<Object> progress = java.util.List.of(now.state(), now.imagesSurveyed(), now.pairsQueued(),
                    now.pairsKept(), now.pairsDropped(), now.failedImages().size(), now.remaining());
            if (!progress.equals(last)) {
                onChange.accept(now);
            }
            last = progress;
            if (now.isCompleted()) {
                return now;
            }
            pause(pollInterval, "following dataset " + id);
        }
    }

    /**
     * Downloads a completed dataset into {@code folder} in the layout it has on the server, which
     * {@code load_dataset("imagefolder", data_dir=folder)} reads: {@code metadata.jsonl}, {@code README.md}
     * and every file a metadata row names in a {@code *_file_name} column. Each file is written
     * completely or not at all, replacing one already there.
     *
     * @return the files written, relative to {@code folder}, metadata first
     */
    public java.util.List<String> downloadDataset(String id, Path folder) {
        Dataset dataset = dataset(id);
        if (!dataset.isCompleted()) {
            throw new BrushlineException(0, "dataset_running", "dataset " + id + " is still running ("
                    + dataset.imagesSurveyed() + " of " + dataset.images() + " images surveyed, " + dataset.remaining()
                    + " images and removals to go); download it once it has completed");
        }
        byte[] metadata = datasetFile(id, "metadata.jsonl");
        java.util.LinkedHashSet<String> files = new java.util.LinkedHashSet<>(java.util.List.of("metadata.jsonl",
                "README.md"));
        String[] rows = new String(metadata, java.nio.charset.StandardCharsets.UTF_8).split("\r?\n");
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = JSON.readTree(rows[i]);
            } catch (IOException e) {
                throw new BrushlineException(0, "unreadable_answer", "line " + (i + 1) + " of the metadata of dataset "
                        + id + " is not JSON", e);
            }
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
                java.util.Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().endsWith("_file_name") && field.getValue().isTextual()) {
                    files.add(field.getValue().asText());
                }
            }
        }
        Path root = folder.toAbsolutePath().normalize();
        for (String file : files) {
            Path target = root.resolve(file).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new BrushlineException(0, "unsafe_file_name", "the metadata of dataset " + id + " names "
                        + file + ", which is not a file inside the dataset's folder; nothing more was downloaded");
            }
            write(file.equals("metadata.jsonl") ? metadata : datasetFile(id, file), target);
        }
        return java.util.List.copyOf(files);
    }

    private Batch batchPage(String id, String pageToken, Integer pageSize) {
        StringBuilder query = new StringBuilder();
        if (pageToken != null) {
            query.append("?page_token=").append(java.net.URLEncoder.encode(pageToken,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        if (pageSize != null) {
            query.append(query.length() == 0 ? '?' : '&').append("page_size=").append(pageSize);
        }
        return parse(get(batchPath(id, "") + query, "reading batch " + id).body(), Batch.class);
    }

    /** Thrown inside {@link #progress} when the subscriber has gone. */
    private static final class Canceled extends RuntimeException {
        Canceled() {
            super(null, null, false, false);
        }
    }

    /**
     * POSTs a submission under its idempotency key, if it has one: only then is sending it twice
     * harmless, the gateway answering a repeat with what the first one made.
     */
    private HttpResponse<byte[]> post(String path, String contentType,
            java.util.function.Supplier<HttpRequest.BodyPublisher> body, String key, String what) {
        return send(() -> {
            HttpRequest.Builder request = request(path).timeout(requestTimeout).header("Content-Type", contentType)
                    .POST(body.get());
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            return request.build();
        }, HttpResponse.BodyHandlers.ofByteArray(), what, key != null);
    }

    private HttpResponse<byte[]> get(String path, String what) {
        return send(() -> request(path).timeout(requestTimeout).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray(), what, true);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path))
                .header("User-Agent", "brushline-client");
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    private static String path(String id, String suffix) {
        return checked(id, "job") + "/v1/edits/" + id + suffix;
    }

    private static String batchPath(String id, String suffix) {
        return checked(id, "batch") + "/v1/batches/" + id + suffix;
    }

    private static String datasetPath(String id, String suffix) {
        return checked(id, "dataset") + "/v1/datasets/" + id + suffix;
    }

    /** A file's path in a dataset, each segment encoded; one that could leave the dataset is refused. */
    private static String filePath(String path) {
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        java.util.List<String> encoded = new java.util.ArrayList<>();
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")) {
                throw new IllegalArgumentException("\"" + path + "\" is not the path of a file in a dataset,"
                        + " such as metadata.jsonl or images/000000-00-source.png");
            }
            encoded.add(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("no file given; a dataset's files are metadata.jsonl, README.md and images/...");
        }
        return String.join("/", encoded);
    }

    /** The caller's idempotency key, or one made for this client's own retries of the request. */
    private static String keyOrMade(String key) {
        return key != null ? key : "client-" + java.util.UUID.randomUUID();
    }

    /** Nothing, once {@code id} is known to be safe in a path. */
    private static String checked(String id, String what) {
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("\"" + id + "\" is not a " + what + " id");
        }
        return "";
    }

    /**
     * Sends the request (built anew for each attempt), retrying 429, 503 and a 409 for an idempotency
     * key in use, and turns every failure into a BrushlineException.
     *
     * @param idempotent whether sending it twice is harmless even when the first one was accepted
     */
    private <T> HttpResponse<T> send(java.util.function.Supplier<HttpRequest> request,
            HttpResponse.BodyHandler<T> handler, String what, boolean idempotent) {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<T> response;
            try {
                response = http.send(request.get(), handler);
            } catch (IOException e) {
                throw failure(e, what);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrushlineException(0, "interrupted", "interrupted while " + what);
            }
            int status = response.statusCode();
            if (status < 400) {
                return response;
            }
            byte[] body = bodyBytes(response.body());
            BrushlineException error = error(status, body, response.headers(), what, attempt);
            boolean retryable = status == 429 || status == 503
                    || (status == 409 && idempotent && "idempotency_key_in_use".equals(error.code()));
            Duration wait = retryAfter(response.headers()).orElse(backoff(attempt));
            if (!retryable || attempt >= maxRetries || wait.compareTo(maxRetryWait) > 0
                    || "too_many_streams".equals(error.code())) {
                throw error;
            }
            pause(wait, what);
        }
    }

    private void pause(Duration wait, String what) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrushlineException(0, "interrupted", "interrupted while " + what);
        }
    }

    private static Duration backoff(int attempt) {
        return Duration.ofSeconds(1L << Math.min(attempt, 5));
    }

    /** The body of an error answer, whatever handler read it. */
    private static byte[] bodyBytes(Object body) {
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof Stream<?> lines) {
            try (lines) {
                return lines.map(String::valueOf).collect(Collectors.joining("\n"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    /** {@code Retry-After} in seconds or as an HTTP date; empty when absent or unreadable. */
    static java.util.Optional<Duration> retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").map(String::strip).flatMap(value -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration until = Duration.between(java.time.Instant.now(),
                            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                    return java.util.Optional.of(until.isNegative() ? Duration.ZERO : until);
                } catch (java.time.format.DateTimeParseException notADate) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    private BrushlineException error(int status, byte[] body, HttpHeaders headers, String what, int retries) {
        String code = "http_" + status;
        String message = null;
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("error")) {
                code = json.path("error").asText();
                message = json.path("message").asText(null);
            }
        } catch (IOException | RuntimeException notJson) {
            // an answer that is not the gateway's JSON (a proxy's page, say): the status says enough
        }
        String detail = message == null ? "" : ": " + message;
        return switch (status) {
            case 401, 403 -> new BrushlineException.Unauthorized(code, (apiKey == null || apiKey.isBlank()
                    ? "the server at " + server + " needs an API key and none was given"
                    : "the server at " + server + " does not accept this API key") + detail);
            case 404 -> new BrushlineException.NotFound(code, message != null ? message
                    : "the server at " + server + " has nothing at that address (is it a Brushline gateway?)");
            case 413 -> new BrushlineException.TooLarge(code, "too_many_items".equals(code) && message != null
                    ? message : "the image is too large for the server" + detail);
            case 429 -> new BrushlineException.RateLimited(code, "the server is limiting requests"
                    + (retries > 0 ? " and still was after " + retries + (retries == 1 ? " retry" : " retries") : "")
                    + detail, retryAfter(headers).map(Duration::toSeconds).orElse(0L));
            case 503 -> new BrushlineException.Unavailable(code, "the server is temporarily unavailable"
                    + (retries > 0 ? " (still after " + retries + (retries == 1 ? " retry" : " retries") + ")" : "")
                    + detail + (message == null ? "; try again later" : ""));
            default -> new BrushlineException(status, code, message != null ? message
                    : "the server answered HTTP " + status + " while " + what);
        };
    }

    private BrushlineException failure(Throwable e, String what) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                root = t;
                break;
            }
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new BrushlineException.ServerUnreachable("cannot connect to the Brushline server at " + server
                    + ": no answer to the connection attempt (is the address right, and is it reachable?)", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new BrushlineException(0, "timeout", "the server at " + server + " did not answer within "
                    + requestTimeout.toSeconds() + " s while " + what, e);
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return new BrushlineException.ServerUnreachable("cannot connect to the Brushline server at " + server
                    + ": the host name is unknown", e);
        }
        if (root instanceof ConnectException) {
            return new BrushlineException.ServerUnreachable("cannot connect to the Brushline server at " + server
                    + ": connection refused (is it running, and is the address right?)", e);
        }
        String reason = e.getMessage() == null || e.getMessage().isBlank() ? "the connection was closed"
                : e.getMessage();
        return new BrushlineException(0, "io_error", "the connection to the server at " + server + " failed while "
                + what + ": " + reason, e);
    }

    private static <T> T parse(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            String field = "";
            if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                field = " (at field " + mapping.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                        .collect(Collectors.joining(".")) + ")";
            }
            throw new BrushlineException(0, "unreadable_answer", "the server's answer is not the "
                    + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " JSON this client expects" + field
                    + "; is the address that of a Brushline gateway of a compatible version?", e);
        }
    }

    private static void write(byte[] content, Path target) {
        try {
            Path absolute = target.toAbsolutePath();
            Path folder = absolute.getParent();
            Files.createDirectories(folder);
            Path temporary = Files.createTempFile(folder, "." + absolute.getFileName(), ".part");
            try {
                Files.write(temporary, content);
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new BrushlineException(0, "io_error", "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads a JSON value with the client's settings (snake_case records, ISO-8601 instants). */
    public static <T> T fromJson(String json, Class<T> type) {
        return parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /** Writes a value of this library (a {@link Job}, say) as JSON, the gateway's field names included. */
    public static String toJson(Object value) {
        try {
            return JSON.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    .writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a {@link BrushlineClient}. */
    public static final class Builder {
        private final String server;
        private String apiKey;
        private HttpClient http;
        private int maxRetries = 3;
        private Duration maxRetryWait = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());

        private Builder(String server) {
            if (server == null || server.isBlank()) {
                throw new IllegalArgumentException("no server given: the gateway's address, such as http://localhost:8080");
            }
            String s = server.strip();
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                throw new IllegalArgumentException("the server address must start with http:// or https://, not \"" + s + "\"");
            }
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + s + "\" is not a valid server address");
            }
            this.server = s;
        }

        /** The API key, sent as a bearer token; null or blank sends none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** How often a 429, 503 or busy idempotency key is retried before giving up (default 3; 0 never). */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = Math.max(0, maxRetries);
            return this;
        }

        /** The longest wait before one retry (default 60 s): a longer Retry-After fails at once instead. */
        public Builder maxRetryWait(Duration maxRetryWait) {
            this.maxRetryWait = maxRetryWait;
            return this;
        }

        /** How long to wait for a connection (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long to wait for an answer to a request (default 60 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** How often to read the status when a progress stream cannot be used (default 1 s). */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /** The HTTP client to use (its own connect timeout then applies). */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        /** How to wait between retries (tests pass one that records the waits). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** The client. */
        public BrushlineClient build() {
            return new BrushlineClient(this);
        }
    }
}
