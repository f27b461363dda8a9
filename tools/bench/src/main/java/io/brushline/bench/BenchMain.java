package io.brushline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.MultipartForm;
import io.brushline.localstack.ServerProcess;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The benchmark harness: starts the whole system on this machine (real servers, services as
 * processes), drives jobs through the HTTP API, and prints what they cost. See the README section
 * "Benchmarks" for the options and the figures measured.
 */
public final class BenchMain {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STAGES = List.of("classify", "ground", "mask", "paint");
    private static final List<String> RUNNING_STATES = List.of("CLASSIFYING", "GROUNDING", "MASKING", "PAINTING");

    /** What one run is asked to do. */
    record Options(int jobs, double rate, int concurrency, int warmup, int size, Path images, Path models,
            Duration painterServiceTime, List<Integer> inpaintingInstances, int partitions, int rssEvery) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value; got " + args[i]);
                }
                values.put(args[i].substring(2), args[++i]);
            }
            String shared = System.getProperty("brushline.shared.dir", "../shared");
            return new Options(
                    Integer.parseInt(values.getOrDefault("jobs", "2000")),
                    Double.parseDouble(values.getOrDefault("rate", "20")),
                    Integer.parseInt(values.getOrDefault("concurrency", "0")),
                    Integer.parseInt(values.getOrDefault("warmup", "50")),
                    Integer.parseInt(values.getOrDefault("size", "512")),
                    Path.of(values.getOrDefault("images", shared + "/data/images")),
                    Path.of(values.getOrDefault("models", shared + "/models")),
                    values.containsKey("painter-service-time") ? Duration.parse(values.get("painter-service-time"))
                            : null,
                    java.util.Arrays.stream(values.getOrDefault("inpainting-instances", "1").split(","))
                            .map(Integer::parseInt).toList(),
                    Integer.parseInt(values.getOrDefault("partitions", "8")),
                    Integer.parseInt(values.getOrDefault("rss-every", "0")));
        }
    }

    /** One submitted job: when the client started sending it and how long the gateway took to accept it. */
    record Submitted(String id, long startedAtMillis, double acceptMillis) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("dataset")) {
            DatasetBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Options options = Options.parse(args);
        List<byte[]> images = prepareImages(options.images(), options.size());
        Map<Integer, Double> throughputByInstances = new LinkedHashMap<>();
        for (int instances : options.inpaintingInstances()) {
            System.out.printf("%n=== %d jobs, %s, %d inpainting instance(s)%s, %d partitions, %dx%d images ===%n",
                    options.jobs(), options.concurrency() > 0 ? "closed loop, concurrency " + options.concurrency()
                            : "open loop at " + options.rate() + " jobs/s",
                    instances, options.painterServiceTime() == null ? ""
                            : ", BENCHMARK painter with fixed service time " + options.painterServiceTime(),
                    options.partitions(), options.size(), options.size());
            throughputByInstances.put(instances, run(options, images, instances));
        }
        if (throughputByInstances.size() > 1) {
            double single = throughputByInstances.values().iterator().next();
            int firstInstances = throughputByInstances.keySet().iterator().next();
            System.out.printf("%nScale-out (throughput per instance relative to %d instance(s)):%n", firstInstances);
            throughputByInstances.forEach((k, jobsPerSecond) -> System.out.printf(
                    "  K=%d  %.2f jobs/s  efficiency %.2f%n", k, jobsPerSecond,
                    jobsPerSecond / (single * k / firstInstances)));
        }
    }

    private static double run(Options options, List<byte[]> images, int instances) throws Exception {
        Path root = Path.of(System.getProperty("brushline.root", ".")).toAbsolutePath().normalize();
        Path data = root.resolve("tools/bench/target/bench-stack");
        deleteRecursively(data);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BRUSHLINE_MODELS_DIR", options.models().toAbsolutePath().toString());
        env.put("BRUSHLINE_GATEWAY_SUBMISSIONS_PER_MINUTE", "0");
        env.put("BRUSHLINE_GATEWAY_READS_PER_MINUTE", "0");
        if (options.painterServiceTime() != null) {
            env.put("BRUSHLINE_INPAINTING_BENCHMARK_SERVICE_TIME", options.painterServiceTime().toString());
        }
        try (var stack = new LocalStack(root, data, LocalStack.freePorts(), options.partitions())) {
            stack.startInfrastructure().startServices(env);
            for (int k = 2; k <= instances; k++) {
                stack.startServiceInstance("inpainting", "inpainting-" + k, LocalStack.freePort(), env);
            }
            var finished = new FinishedJobs(stack.kafkaBootstrap());
            // HTTP/1.1: the JDK client would otherwise try an h2c upgrade per connection.
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String gateway = stack.gatewayUrl();

            // The warm-up runs at the measured load, so that the JIT compiles what that load runs.
            var warmup = drive(http, gateway, finished, images, options.size(), options.warmup(), options.rate(),
                    options.concurrency());
            finished.await(warmup.stream().map(Submitted::id).toList(), Duration.ofMinutes(30));

            Map<String, ProcessUsage> before = usage(stack);
            long started = System.currentTimeMillis();
            if (options.rssEvery() > 0) {
                finished.onEachMultipleOf(options.rssEvery(), count -> printResidentMemory(stack, count));
            }
            var submitted = drive(http, gateway, finished, images, options.size(), options.jobs(), options.rate(),
                    options.concurrency());
            boolean all = finished.await(submitted.stream().map(Submitted::id).toList(), Duration.ofMinutes(30));
            Map<String, ProcessUsage> after = usage(stack);
            finished.close();

            List<JsonNode> statuses = new ArrayList<>();
            for (Submitted s : submitted) {
                statuses.add(JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/edits/"
                        + s.id())).GET().build(), HttpResponse.BodyHandlers.ofString()).body()));
            }
            return report(submitted, statuses, started, all, before, after);
        }
    }

    /** Submits {@code count} jobs open-loop at {@code rate} jobs/s, or closed-loop when concurrency > 0. */
    private static List<Submitted> drive(HttpClient http, String gateway, FinishedJobs finished, List<byte[]> images,
            int size, int count, double rate, int concurrency) throws InterruptedException {
        List<Submitted> submitted = java.util.Collections.synchronizedList(new ArrayList<>());
        var done = new CountDownLatch(count);
        var inFlight = new Semaphore(concurrency > 0 ? concurrency : Integer.MAX_VALUE);
        if (concurrency > 0) {
            // closed loop: a slot frees when a job ends, not when it is accepted
            finished.releaseOnEachEnd(inFlight);
        }
        long periodNanos = concurrency > 0 ? 0 : (long) (1e9 / rate);
        String box = size / 4 + "," + size / 4 + "," + 3 * size / 4 + "," + 3 * size / 4;
        long begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (periodNanos > 0) {
                long due = begin + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            inFlight.acquire();
            var form = new MultipartForm().field("instruction", "remove the object in the box").field("box", box)
                    .file("image", images.get(i % images.size()));
            long startedAt = System.currentTimeMillis();
            long startedNanos = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(URI.create(gateway + "/v1/edits"))
                            .header("Content-Type", form.contentType()).POST(form.body()).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        try {
                            if (error == null && response.statusCode() == 202) {
                                String id = JSON.readTree(response.body()).path("id").asText();
                                submitted.add(new Submitted(id, startedAt, (System.nanoTime() - startedNanos) / 1e6));
                            } else {
                                System.err.println("submission failed: " + (error != null ? error
                                        : response.statusCode() + " " + response.body()));
                            }
                        } catch (IOException e) {
                            System.err.println("unreadable reply: " + e);
                        } finally {
                            if (concurrency == 0) {
                                inFlight.release();
                            }
                            done.countDown();
                        }
                    });
        }
        done.await(10, TimeUnit.MINUTES);
        finished.releaseOnEachEnd(null);
        return new ArrayList<>(submitted);
    }

    private static double report(List<Submitted> submitted, List<JsonNode> statuses, long startedMillis,
            boolean allFinished, Map<String, ProcessUsage> before, Map<String, ProcessUsage> after) {
        List<Double> accept = new ArrayList<>();
        List<Double> endToEnd = new ArrayList<>();
        List<Double> pipeline = new ArrayList<>();
        List<Double> engine = new ArrayList<>();
        List<Double> overhead = new ArrayList<>();
        Map<String, List<Double>> wait = new LinkedHashMap<>();
        Map<String, List<Double>> compute = new LinkedHashMap<>();
        Map<String, List<Double>> storage = new LinkedHashMap<>();
        long lastFinish = startedMillis;
        int succeeded = 0;
        for (int i = 0; i < submitted.size(); i++) {
            Submitted s = submitted.get(i);
            JsonNode status = statuses.get(i);
            if (!"SUCCEEDED".equals(status.path("state").asText())) {
                continue;
            }
            succeeded++;
            JsonNode at = status.path("transitions");
            long queued = millis(at, "QUEUED");
            long done = millis(at, "SUCCEEDED");
            lastFinish = Math.max(lastFinish, done);
            double engineTotal = 0;
            long previousStart = queued;
            double previousBusy = 0;
            for (int k = 0; k < STAGES.size(); k++) {
                String stage = STAGES.get(k);
                double ms = status.path("stage_millis").path(stage).asDouble();
                double io = status.path("storage_millis").path(stage).asDouble();
                long startedStage = millis(at, RUNNING_STATES.get(k));
                wait.computeIfAbsent(stage, x -> new ArrayList<>()).add(startedStage - previousStart - previousBusy);
                compute.computeIfAbsent(stage, x -> new ArrayList<>()).add(ms);
                storage.computeIfAbsent(stage, x -> new ArrayList<>()).add(io);
                engineTotal += ms;
                previousStart = startedStage;
                previousBusy = ms + io;
            }
            accept.add(s.acceptMillis());
            pipeline.add((double) (done - queued));
            double e2e = done - s.startedAtMillis();
            endToEnd.add(e2e);
            engine.add(engineTotal);
            overhead.add(e2e - engineTotal);
        }
        double seconds = Math.max(1, lastFinish - startedMillis) / 1000.0;
        double throughput = succeeded / seconds;
        System.out.printf("%d submitted, %d succeeded%s; %.2f jobs/s sustained over %.1f s%n", submitted.size(),
                succeeded, allFinished ? "" : " (NOT ALL FINISHED)", throughput, seconds);
        System.out.println(Stats.header());
        System.out.println(Stats.of(endToEnd).row("end to end (submit -> SUCCEEDED)"));
        System.out.println(Stats.of(accept).row("  submit (HTTP 202 round trip)"));
        System.out.println(Stats.of(pipeline).row("  pipeline (QUEUED -> SUCCEEDED)"));
        System.out.println(Stats.of(engine).row("  engine compute + codecs, all stages"));
        System.out.println(Stats.of(overhead).row("orchestration overhead (e2e - engine)"));
        for (String stage : STAGES) {
            System.out.println(Stats.of(wait.get(stage)).row("  " + stage + " hand-off + queue wait"));
            System.out.println(Stats.of(compute.get(stage)).row("  " + stage + " engine"));
            System.out.println(Stats.of(storage.get(stage)).row("  " + stage + " object storage"));
        }
        printUsage(before, after);
        return throughput;
    }

    /** CPU seconds each process spent between the two readings, and its peak resident memory. */
    static void printUsage(Map<String, ProcessUsage> before, Map<String, ProcessUsage> after) {
        System.out.printf("%-16s %10s %14s %14s%n", "process", "CPU s", "of it JIT s", "peak RSS MiB");
        after.forEach((name, usage) -> {
            var delta = usage.minus(before.getOrDefault(name, ProcessUsage.NONE));
            System.out.printf("%-16s %10.1f %14.1f %14.0f%n", name, delta.cpuSeconds(), delta.jitSeconds(),
                    usage.peakRssKb() / 1024.0);
        });
    }

    private static long millis(JsonNode transitions, String state) {
        return Instant.parse(transitions.path(state).asText()).toEpochMilli();
    }

    /** The soak's checkpoint: each process's resident memory now (not its peak), after {@code finished} jobs. */
    private static void printResidentMemory(LocalStack stack, int finished) {
        StringBuilder line = new StringBuilder(String.format("RSS MiB after %6d jobs:", finished));
        usage(stack).forEach((name, usage) -> line.append(String.format(" %s %.0f", name, usage.rssKb() / 1024.0)));
        System.out.println(line);
    }

    static Map<String, ProcessUsage> usage(LocalStack stack) {
        Map<String, ProcessUsage> usage = new LinkedHashMap<>();
        for (Map.Entry<String, ServerProcess> e : stack.processes().entrySet()) {
            if (e.getValue().isAlive()) {
                usage.put(e.getKey(), ProcessUsage.of(e.getValue().pid()));
            }
        }
        return usage;
    }

    /** Every photo in the folder, scaled and centre-cropped to size x size, as JPEG. */
    static List<byte[]> prepareImages(Path dir, int size) throws IOException {
        List<byte[]> images = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (!(name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"))) {
                    continue;
                }
                BufferedImage source = ImageIO.read(file.toFile());
                double scale = (double) size / Math.min(source.getWidth(), source.getHeight());
                int w = (int) Math.round(source.getWidth() * scale);
                int h = (int) Math.round(source.getHeight() * scale);
                BufferedImage square = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = square.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(source, (size - w) / 2, (size - h) / 2, w, h, null);
                g.dispose();
                var out = new ByteArrayOutputStream();
                ImageIO.write(square, "jpg", out);
                images.add(out.toByteArray());
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no JPEG or PNG images in " + dir);
        }
        return images;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * Follows edit-completed and edit-failed to learn when jobs end, without polling the API (polling
     * thousands of jobs would load the gateway being measured).
     */
    static final class FinishedJobs implements AutoCloseable {
        private volatile Semaphore slots;
        private volatile int checkpointEvery;
        private volatile IntConsumer checkpoint;
        private final Set<String> finished = ConcurrentHashMap.newKeySet();
        private final KafkaConsumer<String, String> consumer;
        private final Thread poller;
        private volatile boolean running = true;

        FinishedJobs(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of("edit-completed", "edit-failed"));
            poller = new Thread(() -> {
                while (running) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        Semaphore waiting = slots;
                        if (finished.add(record.key())) {
                            if (waiting != null) {
                                waiting.release();
                            }
                            int count = finished.size();
                            if (checkpoint != null && count % checkpointEvery == 0) {
                                checkpoint.accept(count);
                            }
                        }
                    }
                }
                consumer.close();
            }, "finished-jobs");
            poller.start();
        }

        /** Calls {@code action} with the number of jobs ended each time it reaches a multiple of {@code every}. */
        void onEachMultipleOf(int every, IntConsumer action) {
            this.checkpointEvery = every;
            this.checkpoint = action;
        }

        /** Closed loop: {@code slots} gets one permit back each time a job ends (null: stop). */
        void releaseOnEachEnd(Semaphore slots) {
            this.slots = slots;
        }

        boolean await(List<String> ids, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (finished.containsAll(ids)) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            poller.join();
        }
    }
}
