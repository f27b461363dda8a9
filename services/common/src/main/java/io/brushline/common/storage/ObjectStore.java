package io.brushline.common.storage;

import io.brushline.common.BrushlineConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Checksum;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * Images and masks in S3-compatible object storage through the MinIO SDK (MinIO, AWS S3, or the
 * local s3proxy). Keys are derived from the job id, so a stage that runs twice overwrites its own
 * output instead of producing a second one.
 */
@ApplicationScoped
public class ObjectStore {

    /** Time this thread spent waiting on storage, so stages can tell it apart from engine time. */
    private static final ThreadLocal<long[]> IO_NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private final MinioClient client;
    private final String bucket;
    private final Duration presignTtl;

    public ObjectStore(BrushlineConfig config) {
        var storage = config.storage();
        this.bucket = storage.bucket();
        this.presignTtl = storage.presignTtl();
        this.client = MinioClient.builder()
                .endpoint(storage.endpoint())
                .credentials(storage.accessKey(), storage.secretKey())
                .region(storage.region())
                .httpClient(noDelayHttpClient())
                .build();
    }

    /**
     * The SDK's default client leaves Nagle's algorithm on, which stalls small uploads by about 40 ms
     * against delayed ACKs; every request here is latency-bound, so turn it off.
     */
    private static OkHttpClient noDelayHttpClient() {
        SocketFactory plain = SocketFactory.getDefault();
        SocketFactory noDelay = new SocketFactory() {
            private Socket configure(Socket socket) throws java.net.SocketException {
                socket.setTcpNoDelay(true);
                return socket;
            }

            @Override
            public Socket createSocket() throws java.io.IOException {
                return configure(plain.createSocket());
            }

            @Override
            public Socket createSocket(String host, int port) throws java.io.IOException {
                return configure(plain.createSocket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws java.io.IOException {
                return configure(plain.createSocket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws java.io.IOException {
                return configure(plain.createSocket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws java.io.IOException {
                return configure(plain.createSocket(address, port, localAddress, localPort));
            }
        };
        return new OkHttpClient.Builder()
                .socketFactory(noDelay)
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS)
                .build();
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        call(() -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            return null;
        }, "create bucket " + bucket);
    }

    public void put(String key, byte[] bytes, String contentType) {
        call(() -> client.putObject(PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .data(bytes, bytes.length)
                .contentType(contentType)
                // The SDK's default CRC32C is computed a byte at a time in Java (a tenth of the painting
                // service's CPU in a profile); CRC32 uses the JDK's intrinsic and S3 checks it the same way.
                .checksum(Checksum.Algorithm.CRC32)
                .build()), "put " + key);
    }

    /** The object's bytes; throws {@link MissingObjectException} when there is no such key. */
    public byte[] get(String key) {
        return call(() -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return in.readAllBytes();
            }
        }, "get " + key);
    }

    /**
     * Streams the object from byte {@code offset} on to the end of {@code file} (created if absent), so
     * that objects of any size pass through a small buffer and an interrupted copy can go on where it
     * stopped. Throws {@link MissingObjectException} when there is no such key.
     */
    public void appendTo(String key, long offset, Path file) {
        call(() -> {
            var request = GetObjectArgs.builder().bucket(bucket).object(key);
            if (offset > 0) {
                request.offset(offset);
            }
            try (InputStream in = client.getObject(request.build());
                    OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                return in.transferTo(out);
            }
        }, "get " + key);
    }

    /** The object's size in bytes; throws {@link MissingObjectException} when there is no such key. */
    public long size(String key) {
        return call(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size(),
                "stat " + key);
    }

    /** The keys of every object under {@code prefix}, at any depth, in key order. */
    public List<String> list(String prefix) {
        return call(() -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                    .recursive(true).build())) {
                keys.add(item.get().objectName());
            }
            return keys;
        }, "list " + prefix);
    }

    /** A URL anyone holding it can GET the object from until it expires. */
    public String presignedGet(String key) {
        return call(() -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Http.Method.GET)
                .bucket(bucket)
                .object(key)
                .expiry((int) presignTtl.toSeconds(), TimeUnit.SECONDS)
                .build()), "presign " + key);
    }

    private interface StorageCall<T> {
        T run() throws Exception;
    }

    private static StorageException refused(ErrorResponseException e, String what) {
        String code = e.errorResponse().code();
        if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
            return new MissingObjectException(what + ": no such object", e);
        }
        return new StorageException(what + " failed: " + code, e);
    }

    /** Nanoseconds the current thread has spent in storage calls so far (a running total). */
    public static long ioNanosOnThisThread() {
        return IO_NANOS.get()[0];
    }

    private static <T> T call(StorageCall<T> body, String what) {
        long started = System.nanoTime();
        try {
            return body.run();
        } catch (ErrorResponseException e) {
            throw refused(e, what);
        } catch (Exception e) {
            // The SDK wraps transport failures (connection refused, timeouts) in unchecked exceptions.
            if (e.getCause() instanceof ErrorResponseException refusal) {
                throw refused(refusal, what);
            }
            throw new StorageException(what + " failed: " + e.getMessage(), e);
        } finally {
            IO_NANOS.get()[0] += System.nanoTime() - started;
        }
    }
}
