package io.brushline.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole system on one machine, with real servers: an Apache Kafka broker (KRaft), a Redis
 * server and an S3 API server (s3proxy on the filesystem), each its own process, plus the six
 * services as separate processes. The local run command and the end-to-end tests both use it.
 */
public final class LocalStack implements AutoCloseable {

    public static final List<String> TOPICS = List.of(
            "edit-requested", "edit-classified", "edit-grounded", "edit-masked", "edit-masked-cpu", "edit-masked-bulk", "edit-completed",
            "edit-failed", "edit-dead-letter", "dataset-requested", "dataset-removed", "dataset-completed");
    public static final List<String> SERVICES = List.of(
            "gateway", "classifier", "grounding", "masking", "inpainting", "notifier");
    /** The servers, stopped after the services that use them. */
    private static final List<String> INFRASTRUCTURE = List.of("kafka", "redis", "s3");
    public static final String ACCESS_KEY = "brushline";
    public static final String SECRET_KEY = "brushline-local-secret";
    public static final String BUCKET = "brushline";
    private static final String REDIS_BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** Ports of everything; {@link #freePorts()} for tests, {@link #defaultPorts()} for the local run. */
    public record Ports(int kafka, int kafkaController, int redis, int s3, int firstService) {

        public int service(String name) {
            return firstService + SERVICES.indexOf(name);
        }
    }

    public static Ports defaultPorts() {
        return new Ports(9092, 9093, 6379, 9000, 8080);
    }

    public static Ports freePorts() {
        // one consecutive block: Kafka, its controller, Redis, S3, then the services
        int first = freeRange(4 + SERVICES.size());
        return new Ports(first, first + 1, first + 2, first + 3, first + 4);
    }

    private final Path root;
    private final Path dataDir;
    private final Ports ports;
    private final int partitions;
    private final Map<String, ServerProcess> processes = new LinkedHashMap<>();

    /**
     * @param root the repository root (where {@code services/} and {@code tools/} are)
     * @param dataDir where the servers keep their data and every process its log
     */
    public LocalStack(Path root, Path dataDir, Ports ports, int partitions) {
        this.root = root.toAbsolutePath().normalize();
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.ports = ports;
        this.partitions = partitions;
        // A JVM that is stopped (Ctrl-C, SIGTERM, a test run interrupted) takes its servers with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "local-stack-shutdown"));
    }

    public Ports ports() {
        return ports;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + ports.kafka();
    }

    public String redisUri() {
        return "redis://127.0.0.1:" + ports.redis();
    }

    public String s3Endpoint() {
        return "http://127.0.0.1:" + ports.s3();
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + ports.service("gateway");
    }

    public ServerProcess process(String name) {
        return processes.get(name);
    }

    /** Every process started so far, by name. */
    public Map<String, ServerProcess> processes() {
        return java.util.Collections.unmodifiableMap(processes);
    }

    /** Starts Kafka, Redis and the S3 server, and creates the topics and the bucket. */
    public LocalStack startInfrastructure() {
        createDirectories(dataDir.resolve("logs"));
        startRedis();
        startS3();
        startKafka();
        createTopics();
        return this;
    }

    private void startRedis() {
        Path binary = dataDir.resolve("bin").resolve(REDIS_BINARY);
        if (!Files.isExecutable(binary)) {
            createDirectories(binary.getParent());
            // The embedded-redis jar ships a Linux x86-64 redis-server; run it as a plain child process.
            try (InputStream in = LocalStack.class.getResourceAsStream("/" + REDIS_BINARY)) {
                if (in == null) {
                    throw new IllegalStateException(REDIS_BINARY + " is not on the classpath");
                }
                Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            binary.toFile().setExecutable(true);
        }
        Path redisDir = createDirectories(dataDir.resolve("redis"));
        // Append-only file: job state survives a restart of the Redis process.
        start("redis", List.of(binary.toString(), "--port", String.valueOf(ports.redis()), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--dir", redisDir.toString()), Map.of(), ports.redis());
    }

    private void startS3() {
        Path s3Dir = createDirectories(dataDir.resolve("s3"));
        createDirectories(s3Dir.resolve(BUCKET));
        Path config = dataDir.resolve("s3proxy.properties");
        write(config, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + ports.s3(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + s3Dir,
                ""));
        // s3proxy ships no logging configuration, and logback's default logs every request at DEBUG,
        // which costs more than serving it.
        Path logging = dataDir.resolve("s3proxy-logback.xml");
        write(logging, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%logger{20}] %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
        List<String> command = javaCommand("-Xmx256m",
                "-Dlogback.configurationFile=" + logging, "-cp", classpath("tools/localstack/s3-server"),
                "org.gaul.s3proxy.Main", "--properties", config.toString());
        start("s3", command, Map.of(), ports.s3());
    }

    private void startKafka() {
        Path logDir = dataDir.resolve("kafka");
        Path config = dataDir.resolve("kafka.properties");
        write(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + ports.kafkaController(),
                "listeners=PLAINTEXT://127.0.0.1:" + ports.kafka() + ",CONTROLLER://127.0.0.1:"
                        + ports.kafkaController(),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.kafka(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=" + partitions,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        String classpath = classpath("tools/localstack/kafka-server");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            runToCompletion("kafka-format", java(classpath, "-Xmx256m", "kafka.tools.StorageTool", "format",
                    "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", config.toString()));
        }
        start("kafka", java(classpath, "-Xmx768m", "kafka.Kafka", config.toString()), Map.of(), ports.kafka());
    }

    private void createTopics() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = TOPICS.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topics", e);
        }
    }

    /** The environment that points a service at this stack. */
    private Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("BRUSHLINE_REDIS_URI", redisUri());
        env.put("BRUSHLINE_STORAGE_ENDPOINT", s3Endpoint());
        env.put("BRUSHLINE_STORAGE_ACCESS_KEY", ACCESS_KEY);
        env.put("BRUSHLINE_STORAGE_SECRET_KEY", SECRET_KEY);
        env.put("BRUSHLINE_STORAGE_BUCKET", BUCKET);
        env.put("DJL_CACHE_DIR", dataDir.resolve("djl-cache").toString());
        env.put("BRUSHLINE_WEBHOOK_SECRET", webhookSecret());
        return env;
    }

    /**
     * The secret the notifier signs webhooks with: BRUSHLINE_WEBHOOK_SECRET when it is set, otherwise
     * one generated for this data directory and kept in {@code webhook-secret} there (the notifier
     * builds in none and refuses to start without one).
     */
    public String webhookSecret() {
        String configured = System.getenv("BRUSHLINE_WEBHOOK_SECRET");
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        Path file = dataDir.resolve("webhook-secret");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                createDirectories(dataDir);
                Files.writeString(file, "whsec_" + java.util.Base64.getEncoder().encodeToString(key) + "\n");
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the six services, each from its Quarkus fast-jar, with {@code extraEnvironment} (for
     * example model locations) added to every one. They start together and are awaited in turn: a
     * JVM's start-up is mostly one thread, so on a few cores this takes about half the time of
     * starting them one after another.
     */
    public LocalStack startServices(Map<String, String> extraEnvironment) {
        List<ServerProcess> launched = new ArrayList<>();
        for (String service : SERVICES) {
            launched.add(serviceInstance(service, service, ports.service(service), extraEnvironment).launch());
        }
        launched.forEach(process -> process.awaitReady(START_TIMEOUT));
        return this;
    }

    public ServerProcess startService(String service, Map<String, String> extraEnvironment) {
        return startServiceInstance(service, service, ports.service(service), extraEnvironment);
    }

    /**
     * Starts one more instance of a service under its own name and HTTP port; instances of a
     * consumer share its consumer group, so Kafka splits the partitions between them.
     */
    public ServerProcess startServiceInstance(String service, String instanceName, int httpPort,
            Map<String, String> extraEnvironment) {
        return serviceInstance(service, instanceName, httpPort, extraEnvironment).start(START_TIMEOUT);
    }

    /** A service instance registered under its name and ready to launch. */
    private ServerProcess serviceInstance(String service, String instanceName, int httpPort,
            Map<String, String> extraEnvironment) {
        Path jar = root.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the project first (mvn -DskipTests install)");
        }
        Map<String, String> env = serviceEnvironment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.putAll(extraEnvironment);
        List<String> command = javaCommand("-Xmx512m",
                "-Djava.io.tmpdir=" + createDirectories(dataDir.resolve("tmp")),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.graph_optimizer=false", "-jar", jar.toString());
        return register(instanceName, command, env, httpPort);
    }

    /** Starts a process again under the same name, with the same command (after a stop or a kill). */
    public ServerProcess restart(String name) {
        ServerProcess old = processes.get(name);
        old.stop();
        return old.start(START_TIMEOUT);
    }

    private ServerProcess start(String name, List<String> command, Map<String, String> env, int port) {
        return register(name, command, env, port).start(START_TIMEOUT);
    }

    private ServerProcess register(String name, List<String> command, Map<String, String> env, int port) {
        var process = new ServerProcess(name, command, env, root, dataDir.resolve("logs").resolve(name + ".log"), port);
        processes.put(name, process);
        return process;
    }

    private void runToCompletion(String name, List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("logs/" + name + ".log").toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed; see " + dataDir.resolve("logs/" + name + ".log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the services first, all at once, then the servers in reverse order of start. Safe to call
     * twice. A service's shutdown is mostly waiting (each Kafka consumer leaving its group in turn), so
     * together they take as long as the slowest one instead of the sum.
     */
    @Override
    public synchronized void close() {
        List<ServerProcess> reversed = new ArrayList<>(processes.values());
        java.util.Collections.reverse(reversed);
        List<ServerProcess> services = reversed.stream().filter(p -> !INFRASTRUCTURE.contains(p.name())).toList();
        services.forEach(ServerProcess::requestStop);
        services.forEach(ServerProcess::awaitStop);
        reversed.stream().filter(p -> INFRASTRUCTURE.contains(p.name())).forEach(ServerProcess::stop);
    }

    private String classpath(String module) {
        Path file = root.resolve(module).resolve("target/classpath.txt");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is missing: build the project first (mvn -DskipTests install)", e);
        }
    }

    private static List<String> java(String classpath, String heap, String mainClass, String... args) {
        List<String> command = javaCommand(heap, "-cp", classpath, mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /**
     * This JVM's java with the options every process of the stack gets: the system property
     * {@code brushline.localstack.jvm-options}, then {@code options}. The build's tests set C1-only
     * compilation and the serial collector there: a dozen short-lived JVMs on two cores spend more
     * CPU in C2 compilations and GC threads than they win back (the fault suite ran a third faster).
     */
    private static List<String> javaCommand(String... options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getProperty("brushline.localstack.jvm-options", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(options));
        return command;
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        return freeRange(1);
    }

    /**
     * Ports are drawn below Linux's ephemeral range (32768-60999): a port the OS handed out with
     * {@code bind(0)} can later become the source port of an outgoing connection, and a server
     * restarted on it (after a crash test) would find it taken.
     */
    private static final int FIRST_PORT = 20_000;
    private static final int LAST_PORT = 32_000;

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first of {@code count} consecutive free ports. */
    private static int freeRange(int count) {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = random.nextInt(FIRST_PORT, LAST_PORT - count);
            boolean allFree = true;
            for (int port = first; port < first + count && allFree; port++) {
                allFree = isFree(port);
            }
            if (allFree) {
                return first;
            }
        }
        throw new IllegalStateException("no range of " + count + " free ports");
    }
}
