package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Twenty uploads of the largest image the gateway accepts (40 megapixels), validated at once on the
 * gateway's 512 MB heap (the module's tests run with -Xmx512m): none may fail for memory, and they
 * are not all refused.
 */
class ImageInspectorMemoryTest {

    private static final int WIDTH = 8000;
    private static final int HEIGHT = 5000;
    private static final int UPLOADS = 20;

    private static byte[] largest;

    @BeforeAll
    static void encodeTheLargestImage() throws IOException {
        var image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Random random = new Random(3);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = (y * WIDTH + x) * 3;
                // a photo-like mix of gradients and grain, so the JPEG is several MB like a real one
                pixels[i] = (byte) (x / 40 + random.nextInt(24));
                pixels[i + 1] = (byte) (y / 25 + random.nextInt(24));
                pixels[i + 2] = (byte) ((x + y) / 60 + random.nextInt(24));
            }
        }
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        largest = out.toByteArray();
    }

    @Test
    void twentyConcurrentLargestUploadsNeitherRunOutOfMemoryNorAreAllRefused() throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= 550L * 1024 * 1024, "the test must run on the gateway's 512 MB heap, not " + maxHeap);
        var config = TestConfig.gateway(20_000_000, 40_000_000, Map.of());
        assertTrue(largest.length <= config.maxImageBytes(), largest.length + " bytes");
        var inspector = new ImageInspector(config);

        AtomicInteger accepted = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        Map<Integer, Integer> refusedByStatus = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> uploads = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            byte[] upload = largest.clone(); // each request holds its own bytes
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    var info = inspector.inspect(upload, "image");
                    assertEquals(new ImageInspector.ImageInfo("image/jpeg", WIDTH, HEIGHT), info);
                    accepted.incrementAndGet();
                } catch (ApiException refused) {
                    refusedByStatus.merge(refused.status().getStatusCode(), 1, Integer::sum);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            uploads.add(thread);
        }
        start.countDown();
        for (Thread upload : uploads) {
            upload.join();
        }
        assertEquals(List.of(), failures.stream().map(Throwable::toString).toList());
        assertTrue(accepted.get() > 0, "every upload was refused: " + refusedByStatus);
        // the only refusal allowed is "busy, retry": never a decode failure
        assertTrue(refusedByStatus.keySet().stream().allMatch(status -> status == 503), refusedByStatus.toString());
    }
}
