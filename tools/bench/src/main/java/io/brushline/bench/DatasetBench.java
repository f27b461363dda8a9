package io.brushline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.brushline.localstack.LocalStack;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The dataset benchmark: the shared photos repeated to {@code --images} images (default 510), served
 * from a local HTTP server and submitted as one dataset job by URL; prints progress while it runs, then
 * pairs per minute, the kept/dropped split by reason and each process's CPU. Every distinct photo's
 * pairs are downloaded and drawn on contact sheets (original | object removed | mask) for a look by eye.
 *
 * <pre>tools/bench.sh dataset [--images 510] [--filters JSON] [--out DIR] [--partitions 8]</pre>
 */
final class DatasetBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAIRS_PER_SHEET = 6;
    private static final int PANEL_HEIGHT = 220;

    private DatasetBench() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String shared = System.getProperty("brushline.shared.dir", "../shared");
        int count = Integer.parseInt(options.getOrDefault("images", "510"));
        Path photosDir = Path.of(options.getOrDefault("photos", shared + "/data/images"));
        Path models = Path.of(options.getOrDefault("models", shared + "/models"));
        Path root = Path.of(System.getProperty("brushline.root", ".")).toAbsolutePath().normalize();
        Path out = Path.of(options.getOrDefault("out", root.resolve("tools/bench/target/dataset-pairs").toString()));
        List<byte[]> photos = new ArrayList<>();
        try (var files = Files.list(photosDir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".jpg") || name.endsWith(".png")) {
                    photos.add(Files.readAllBytes(file));
                }
            }
        }
        HttpServer images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        images.createContext("/images/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/images/".length());
            byte[] body = photos.get(Integer.parseInt(name.replaceAll("\\D", "")) % photos.size());
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        var serving = java.util.concurrent.Executors.newFixedThreadPool(4);
        images.setExecutor(serving);
        images.start();
        String imageHost = "127.0.0.1:" + images.getAddress().getPort();

        Path data = root.resolve("tools/bench/target/bench-stack");
        BenchMain.deleteRecursively(data);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BRUSHLINE_MODELS_DIR", models.toAbsolutePath().toString());
        env.put("BRUSHLINE_GATEWAY_SUBMISSIONS_PER_MINUTE", "0");
        env.put("BRUSHLINE_GATEWAY_READS_PER_MINUTE", "0");
        env.put("BRUSHLINE_OUTBOUND_ALLOWED_HOSTS", imageHost);
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "8"));
        try (var stack = new LocalStack(root, data, LocalStack.freePorts(), partitions)) {
            stack.startInfrastructure().startServices(env);
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String gateway = stack.gatewayUrl();

            ObjectNode manifest = JSON.createObjectNode();
            ArrayNode items = manifest.putArray("items");
            for (int i = 0; i < count; i++) {
                items.addObject().put("image_url", "http://" + imageHost + "/images/" + i + ".jpg");
            }
            if (options.containsKey("filters")) {
                manifest.set("filters", JSON.readTree(options.get("filters")));
            }
            var before = BenchMain.usage(stack);
            long started = System.nanoTime();
            var accepted = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/datasets"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "dataset-bench")
                    .POST(HttpRequest.BodyPublishers.ofString(manifest.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("dataset refused: " + accepted.statusCode() + " " + accepted.body());
            }
            double acceptSeconds = (System.nanoTime() - started) / 1e9;
            String id = JSON.readTree(accepted.body()).path("id").asText();
            System.out.printf("dataset %s: %d images (%d distinct photos) accepted in %.1f s%n", id, count,
                    photos.size(), acceptSeconds);
            JsonNode status = get(http, gateway + "/v1/datasets/" + id);
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            while (!"completed".equals(status.path("state").asText()) && System.nanoTime() < deadline) {
                Thread.sleep(10_000);
                status = get(http, gateway + "/v1/datasets/" + id);
                System.out.printf("  %5.0f s: surveyed %d/%d, pairs queued %d kept %d dropped %d, %.1f pairs/min, "
                        + "ETA %s s%n", (System.nanoTime() - started) / 1e9, status.path("images_surveyed").asInt(),
                        count, status.path("pairs_queued").asInt(), status.path("pairs_kept").asInt(),
                        status.path("pairs_dropped").asInt(), status.path("pairs_per_minute").asDouble(),
                        status.path("eta_seconds").asText());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            var after = BenchMain.usage(stack);
            int kept = status.path("pairs_kept").asInt();
            int ended = kept + status.path("pairs_dropped").asInt();
            System.out.printf("%n%s after %.1f s: %d images, %d objects found, %d removals, %d pairs kept%n",
                    status.path("state").asText(), seconds, count, status.path("objects_found").asInt(), ended, kept);
            System.out.printf("%.1f kept pairs/min, %.1f removals/min, %.1f images/min (wall time from submission)%n",
                    kept * 60 / seconds, ended * 60 / seconds, count * 60 / seconds);
            System.out.println("dropped by reason: " + status.path("dropped"));
            BenchMain.printUsage(before, after);
            writeSheets(http, gateway, id, photos.size(), out);
        } finally {
            images.stop(0);
            serving.shutdownNow();
        }
    }

    /** The pairs of the first {@code distinct} images (one per photo), on contact sheets in {@code out}. */
    private static void writeSheets(HttpClient http, String gateway, String id, int distinct, Path out)
            throws Exception {
        BenchMain.deleteRecursively(out);
        Files.createDirectories(out);
        String metadata = new String(file(http, gateway, id, "metadata.jsonl"), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("metadata.jsonl"), metadata);
        Files.write(out.resolve("README.md"), file(http, gateway, id, "README.md"));
        List<JsonNode> rows = new ArrayList<>();
        for (String line : metadata.split("\n")) {
            JsonNode row = JSON.readTree(line);
            if (row.path("image_index").asInt() < distinct) {
                rows.add(row);
            }
        }
        for (int sheet = 0; sheet * PAIRS_PER_SHEET < rows.size(); sheet++) {
            List<JsonNode> page = rows.subList(sheet * PAIRS_PER_SHEET,
                    Math.min(rows.size(), (sheet + 1) * PAIRS_PER_SHEET));
            List<BufferedImage[]> panels = new ArrayList<>();
            int width = 0;
            for (JsonNode row : page) {
                BufferedImage[] three = new BufferedImage[3];
                int rowWidth = 0;
                String[] columns = {"target_file_name", "source_file_name", "mask_file_name"};
                for (int c = 0; c < 3; c++) {
                    three[c] = scaled(ImageIO.read(new ByteArrayInputStream(
                            file(http, gateway, id, row.path(columns[c]).asText()))));
                    rowWidth += three[c].getWidth() + 4;
                }
                panels.add(three);
                width = Math.max(width, rowWidth);
            }
            var sheetImage = new BufferedImage(width, page.size() * (PANEL_HEIGHT + 20), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = sheetImage.createGraphics();
            for (int r = 0; r < page.size(); r++) {
                int x = 0;
                int y = r * (PANEL_HEIGHT + 20);
                g.setColor(Color.WHITE);
                g.drawString(page.get(r).path("pair").asText() + "  " + page.get(r).path("instruction").asText()
                        + "  (verify score " + page.get(r).path("verify_score").asText() + ")", 4, y + 14);
                for (BufferedImage panel : panels.get(r)) {
                    g.drawImage(panel, x, y + 20, null);
                    x += panel.getWidth() + 4;
                }
            }
            g.dispose();
            ImageIO.write(sheetImage, "png", out.resolve(String.format("sheet-%02d.png", sheet)).toFile());
        }
        System.out.printf("%d pairs of the %d distinct photos drawn on contact sheets in %s%n", rows.size(), distinct,
                out);
    }

    private static BufferedImage scaled(BufferedImage image) {
        int width = Math.max(1, image.getWidth() * PANEL_HEIGHT / image.getHeight());
        var scaled = new BufferedImage(width, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, PANEL_HEIGHT, null);
        g.dispose();
        return scaled;
    }

    private static byte[] file(HttpClient http, String gateway, String id, String path) throws Exception {
        var reply = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/datasets/" + id + "/files/" + path))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (reply.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + reply.statusCode());
        }
        return reply.body();
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
