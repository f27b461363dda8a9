package io.brushline.localstack;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local run: {@code LocalStackMain [--data-dir DIR] [--infra-only]}. Starts everything on the
 * default ports, prints where the API is, and stops every child process on Ctrl-C. Data stays in
 * the data directory between runs (delete it for a clean start).
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(".local/data");
        boolean infraOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--infra-only" -> infraOnly = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--data-dir DIR] [--infra-only]");
            }
        }
        var stack = new LocalStack(Path.of("."), dataDir, LocalStack.defaultPorts(), 8);
        stack.startInfrastructure();
        System.out.printf("Kafka %s, Redis %s, S3 %s (data and logs in %s)%n",
                stack.kafkaBootstrap(), stack.redisUri(), stack.s3Endpoint(), stack.dataDir());
        if (!infraOnly) {
            // Children inherit this environment, so BRUSHLINE_* settings (model locations) reach the services.
            stack.startServices(Map.of());
            String gateway = stack.gatewayUrl();
            System.out.printf("Brushline studio: %s/   API: %s/v1/edits   OpenAPI: %s/q/openapi   "
                    + "Swagger UI: %s/q/swagger-ui%n", gateway, gateway, gateway, gateway);
            System.out.printf("Webhooks are signed with the secret in %s (or BRUSHLINE_WEBHOOK_SECRET when set)%n",
                    stack.dataDir().resolve("webhook-secret"));
        }
        System.out.println("Ctrl-C stops everything.");
        // The stack's shutdown hook stops every child process when this JVM is told to stop.
        Thread.currentThread().join();
    }
}
