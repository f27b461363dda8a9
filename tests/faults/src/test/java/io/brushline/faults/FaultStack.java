package io.brushline.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.LocalStack;
import io.brushline.localstack.ServerProcess;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * One local stack per test class (real Kafka, Redis, S3 server and the six services as processes),
 * a webhook sink and a client, plus the cheap job inputs every fault run submits.
 */
final class FaultStack implements AutoCloseable {

    static final String WEBHOOK_SECRET = "whsec_ZmF1bHQtdGVzdC13ZWJob29rLXNlY3JldC0xMjM0NTY=";
    /** A box hint skips detection, so a job costs only a mask from the box and a classical fill. */
    static final String INSTRUCTION = "remove the object in the box";
    static final String BOX = "64,64,192,192";
    static final int SIZE = 256;

    final LocalStack stack;
    final WebhookSink webhooks;
    final EditClient client;
    private final List<byte[]> images;

    private FaultStack(LocalStack stack, WebhookSink webhooks, List<byte[]> images) {
        this.stack = stack;
        this.webhooks = webhooks;
        this.images = images;
        this.client = new EditClient(stack.gatewayUrl());
        webhooks.lookUpJobStateWith(client::stateNow);
    }

    /**
     * Starts everything; {@code serviceEnvironment} is added to (and overrides) the settings every
     * service gets here.
     */
    static FaultStack start(String name, Map<String, String> serviceEnvironment) throws Exception {
        Path root = Path.of(System.getProperty("brushline.root", "../.."));
        Path shared = Path.of(System.getProperty("brushline.shared.dir", "../shared")).toAbsolutePath().normalize();
        Path data = root.resolve("tests/faults/target/fault-stacks").resolve(name);
        deleteRecursively(data);
        List<byte[]> images = smallJpegs(shared.resolve("data/images"));
        var webhooks = new WebhookSink(WEBHOOK_SECRET);
        var stack = new LocalStack(root, data, LocalStack.freePorts(), 4).startInfrastructure();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BRUSHLINE_MODELS_DIR", shared.resolve("models").toString());
        env.put("BRUSHLINE_WEBHOOK_SECRET", WEBHOOK_SECRET);
        // The faults are in the orchestration, not in the engines: the cheapest mask (the box itself) and
        // fill (Telea) keep a job at a few milliseconds of compute, so hundreds of jobs fit in a minute.
        env.put("BRUSHLINE_MASKING_REFINE", "box");
        env.put("BRUSHLINE_INPAINTING_CLASSICAL_METHOD", "telea");
        // The client's backoff is the throttle under test here, not the per-tenant rate limit.
        env.put("BRUSHLINE_GATEWAY_SUBMISSIONS_PER_MINUTE", "0");
        env.put("BRUSHLINE_GATEWAY_READS_PER_MINUTE", "0");
        // The webhook sink listens on loopback, which the outbound URL policy refuses unless allow-listed.
        env.put("BRUSHLINE_OUTBOUND_ALLOWED_HOSTS", "127.0.0.1");
        env.putAll(serviceEnvironment);
        try {
            stack.startServices(env);
        } catch (RuntimeException e) {
            stack.close();
            webhooks.close();
            throw e;
        }
        return new FaultStack(stack, webhooks, images);
    }

    byte[] image(int index) {
        return images.get(index % images.size());
    }

    /** Stops a server (SIGTERM, as an orderly restart does), keeps it down, starts it again. */
    String outage(String server, long downMillis) throws InterruptedException {
        long stopped = System.currentTimeMillis();
        process(server).stop();
        Thread.sleep(downMillis);
        stack.restart(server);
        return String.format("%s down %.1f s", server, (System.currentTimeMillis() - stopped) / 1000.0);
    }

    /** The job's status once it has ended and its webhook is settled (delivered, gone or exhausted). */
    JsonNode awaitWebhookSettled(String id, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        JsonNode status = client.status(id);
        while (System.currentTimeMillis() < deadline) {
            status = client.status(id);
            if (Set.of("delivered", "gone", "exhausted").contains(status.path("webhook").asText())) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end with its webhook settled within " + within + ": "
                + status);
    }

    /**
     * Waits until the batch has completed and its webhook is settled; fails when its remaining count
     * has not moved for {@code stall}, or after {@code within} in all.
     */
    JsonNode awaitBatchSettled(String batchId, Duration stall, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        long lastProgress = System.currentTimeMillis();
        int remaining = Integer.MAX_VALUE;
        while (true) {
            JsonNode batch = client.get("/v1/batches/" + batchId + "?page_size=1");
            if ("completed".equals(batch.path("state").asText())
                    && Set.of("delivered", "gone", "exhausted").contains(batch.path("webhook").asText())) {
                return batch;
            }
            long now = System.currentTimeMillis();
            if (batch.path("remaining").asInt() < remaining) {
                remaining = batch.path("remaining").asInt();
                lastProgress = now;
            }
            if (now > deadline || now - lastProgress > stall.toMillis()) {
                throw new AssertionError("batch " + batchId + " did not complete with its webhook settled: " + batch
                        + "; logs in " + logs());
            }
            Thread.sleep(1000);
        }
    }

    /** {@code GET /images/<n>.jpg} on the server returned answers the n-th cheap photo: a distinct URL per item. */
    HttpServer serveImages(Executor threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(threads);
        server.createContext("/images/", exchange -> {
            try (exchange) {
                String name = exchange.getRequestURI().getPath().substring("/images/".length());
                byte[] image = image(Integer.parseInt(name.replace(".jpg", "")));
                exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
                exchange.sendResponseHeaders(200, image.length);
                exchange.getResponseBody().write(image);
            }
        });
        server.start();
        return server;
    }

    /** A producer of plain strings on the stack's broker, to put records on a topic by hand. */
    KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    ServerProcess process(String name) {
        return stack.process(name);
    }

    Path logs() {
        return stack.dataDir().resolve("logs");
    }

    @Override
    public void close() {
        stack.close();
        webhooks.close();
    }

    /** Every photo of the evaluation set, scaled to 256x256 and encoded as JPEG: small, real content. */
    private static List<byte[]> smallJpegs(Path dir) throws IOException {
        // Like every test that needs ../shared: skipped, saying why, where it is missing; failed under CI=true.
        String missing = "evaluation photos missing at " + dir + " (-Dbrushline.shared.dir)";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(Files.isDirectory(dir), missing + " (CI=true requires ../shared)");
        }
        Assumptions.assumeTrue(Files.isDirectory(dir), missing);
        List<byte[]> jpegs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(jpg|png)")).sorted().toList()) {
                BufferedImage source = ImageIO.read(file.toFile());
                if (source == null) {
                    continue;
                }
                BufferedImage scaled = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = scaled.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(source, 0, 0, SIZE, SIZE, null);
                g.dispose();
                var out = new ByteArrayOutputStream();
                ImageIO.write(scaled, "jpg", out);
                jpegs.add(out.toByteArray());
            }
        }
        if (jpegs.isEmpty()) {
            throw new IllegalStateException("no photos in " + dir);
        }
        return jpegs;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
