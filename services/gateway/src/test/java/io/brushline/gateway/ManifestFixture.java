package io.brushline.gateway;

import com.sun.net.httpserver.HttpServer;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.net.OutboundUrlPolicy;
import io.brushline.common.state.JobStore;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What the batch and dataset tests stand on: an empty Redis, a server of images by URL ({@code /photo}
 * a JPEG, {@code /mask} a PNG mask of the photo's size, {@code /small-mask} a 4x4 one, {@code /notes.txt}
 * no image, {@code /gone} a 404) that the outbound policy allows, the job
 * store, object storage in memory and the manifest's image reader.
 */
final class ManifestFixture {

    final RedisCommands<String, String> redis;
    final byte[] photo;
    final byte[] mask;
    final String base;
    final OutboundUrlPolicy policy;
    final BrushlineConfig common = BatchServiceTest.commonConfig();
    final TestConfig gateway = new TestConfig();
    final JobStore jobs;
    final BatchServiceTest.MemoryStore storage;
    final ImageInspector inspector;
    final ManifestImages manifestImages;
    private final HttpServer images;

    ManifestFixture(RedisServerExtension redisServer) throws IOException {
        redis = redisServer.client().connect().sync();
        redis.flushall();
        // The photo server answers at once; on a loaded machine the default 2 s could still run out and
        // turn an expected answer into an image that failed alone.
        gateway.imageFetchTimeout = java.time.Duration.ofSeconds(30);
        photo = HostileInputTest.corpus("valid.jpg");
        images = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        images.createContext("/photo", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, photo.length);
                exchange.getResponseBody().write(photo);
            }
        });
        var size = new ImageInspector(gateway).inspect(photo, "photo");
        mask = png(size.width(), size.height());
        serve("/mask", mask);
        serve("/small-mask", png(4, 4));
        images.createContext("/notes.txt", exchange -> {
            byte[] text = "these are notes, not a photo".getBytes(StandardCharsets.UTF_8);
            try (exchange) {
                exchange.sendResponseHeaders(200, text.length);
                exchange.getResponseBody().write(text);
            }
        });
        images.createContext("/gone", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(404, -1);
            }
        });
        images.start();
        int port = images.getAddress().getPort();
        base = "http://127.0.0.1:" + port;
        policy = new OutboundUrlPolicy(List.of("127.0.0.1:" + port));
        jobs = new JobStore(redis, common);
        storage = new BatchServiceTest.MemoryStore(common);
        inspector = new ImageInspector(gateway);
        manifestImages = new ManifestImages(jobs, storage, new ImageFetcher(policy, gateway), inspector, policy);
    }

    private void serve(String path, byte[] bytes) {
        images.createContext(path, exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
    }

    /** A mask: white in its middle third, black around. */
    private static byte[] png(int width, int height) throws IOException {
        BufferedImage mask = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = mask.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(width / 3, height / 3, Math.max(1, width / 3), Math.max(1, height / 3));
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(mask, "png", out);
        return out.toByteArray();
    }

    void stop() {
        images.stop(0);
        manifestImages.stop();
    }
}
