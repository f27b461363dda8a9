package io.brushline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.localstack.LocalStack;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart as shipped, run here: for the default, CPU and GPU values, every rendered Deployment's
 * init containers and service container run as local processes (see {@link LocalPod}) against real
 * Kafka, Redis and S3 servers, with the models copied out of that S3 by the rendered fetch-models
 * step, until each readiness probe passes.
 *
 * <p>The render only points the chart at this machine: the endpoints and credentials of the local
 * servers, free HTTP ports, and, for the GPU values, a plaintext Kafka listener (the local broker has
 * no TLS). The GPU values run on the CPU: the model files are tiny random-weight models of the real
 * architectures (SD-inpainting and InstructPix2Pix, from the painting service's test resources) in
 * place of the real weights, and the painter falls back to the CPU when PyTorch sees no GPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartSmokeTest {

  private static final Path ROOT = Path.of(System.getProperty("brushline.root", "../..")).toAbsolutePath().normalize();
  private static final Path SHARED_MODELS = ROOT.resolve("../shared/models").normalize();
  /** Each golden case keeps its tiny random-weight model of the real architecture in model/. */
  private static final Path TINY_PAINTERS = ROOT.resolve("services/inpainting/src/test/resources/golden");
  private static final Path WORK = Path.of("target/smoke").toAbsolutePath();

  private LocalStack stack;
  private MinioClient s3;

  @BeforeAll
  void startServersAndUploadModels() throws Exception {
    boolean haveModels = Files.isRegularFile(SHARED_MODELS.resolve("yolox_nano.onnx"));
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(haveModels, "the shared models are missing under " + SHARED_MODELS);
    }
    Assumptions.assumeTrue(haveModels, "no shared models under " + SHARED_MODELS);
    deleteRecursively(WORK);
    stack = new LocalStack(ROOT, WORK.resolve("stack"), LocalStack.freePorts(), 2).startInfrastructure();
    s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
        .credentials(LocalStack.ACCESS_KEY, LocalStack.SECRET_KEY).region("us-east-1").build();
    upload("models/yolox_nano.onnx", SHARED_MODELS.resolve("yolox_nano.onnx"));
    upload("models/deeplabv3_mobilenetv2_voc.onnx", SHARED_MODELS.resolve("deeplabv3_mobilenetv2_voc.onnx"));
    for (String painter : List.of("sd-inpainting", "instruct-pix2pix")) {
      try (Stream<Path> files = Files.list(TINY_PAINTERS.resolve(painter).resolve("model"))) {
        for (Path file : files.toList()) {
          upload("models/" + painter + "/" + file.getFileName(), file);
        }
      }
    }
  }

  @AfterAll
  void stopServers() {
    if (stack != null) {
      stack.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "none", value = {"default, none", "cpu, values-cpu.yaml", "gpu, values-gpu.yaml"})
  void everyDeploymentBecomesReady(String label, String valuesFile) throws Exception {
    Manifests rendered = Manifests.read(Chart.render("smoke-" + label, valuesFile, localOverrides()));
    Path dir = WORK.resolve(label);
    List<LocalPod> pods = new ArrayList<>();
    try {
      for (Map<String, Object> deployment : rendered.ofKind("Deployment")) {
        LocalPod pod = new LocalPod(rendered, deployment, ROOT, dir.resolve(Manifests.name(deployment)),
            dir.resolve("claims"));
        pods.add(pod);
        Optional<LocalPod.Exit> failed = pod.runInitContainers(Duration.ofMinutes(3));
        assertTrue(failed.isEmpty(), () -> pod.service() + " init failed:\n" + failed.get().output());
        pod.startMain();
      }
      assertEquals(DeploymentRules.SERVICES.stream().map(DeploymentRules.ServiceSpec::name).sorted().toList(),
          pods.stream().map(LocalPod::service).sorted().toList(), "Deployments rendered");
      for (LocalPod pod : pods) {
        pod.awaitReady();
      }
    } finally {
      pods.forEach(LocalPod::requestStop);
      for (LocalPod pod : pods) {
        pod.close();
      }
    }
    // Every model file the services were given came through the fetch step, verified.
    Path grounding = dir.resolve("brushline-grounding/volumes/models/yolox_nano.onnx");
    if (!"cpu".equals(label) && Files.exists(dir.resolve("claims"))) {
      grounding = dir.resolve("claims/brushline-models/yolox_nano.onnx");
    }
    assertEquals(sha256(SHARED_MODELS.resolve("yolox_nano.onnx")), sha256(grounding), "fetched detector");
  }

  @Test
  void aPodWithoutItsModelStopsBeforeStartingAndNamesTheFile() throws Exception {
    LocalPod grounding = groundingPod("missing", "owlv2.pt");
    Optional<LocalPod.Exit> failed = grounding.runInitContainers(Duration.ofMinutes(2));
    assertTrue(failed.isPresent(), "the init step must fail without the model");
    assertTrue(failed.get().output().contains("model file models/owlv2.pt is missing in object storage"),
        failed.get().output());
  }

  @Test
  void theFetchResumesAPartialCopyAndRefusesADamagedModel() throws Exception {
    Path podDir = WORK.resolve("resume/grounding");
    LocalPod grounding = groundingPod("resume", "yolox_nano.onnx");
    Path model = SHARED_MODELS.resolve("yolox_nano.onnx");
    byte[] bytes = Files.readAllBytes(model);
    Path models = podDir.resolve("volumes/models");
    // An earlier attempt stopped a third of the way.
    Files.write(models.resolve("yolox_nano.onnx.part"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
    assertTrue(grounding.runInitContainers(Duration.ofMinutes(2)).isEmpty(), grounding.initOutput("fetch-models"));
    assertTrue(grounding.initOutput("fetch-models").contains("resumed models/yolox_nano.onnx"),
        grounding.initOutput("fetch-models"));
    assertEquals(sha256(model), sha256(models.resolve("yolox_nano.onnx")));

    // A second start finds the file in place and fetches nothing.
    assertTrue(grounding.runInitContainers(Duration.ofMinutes(2)).isEmpty(), grounding.initOutput("fetch-models"));
    assertTrue(grounding.initOutput("fetch-models").contains("already_present models/yolox_nano.onnx"),
        grounding.initOutput("fetch-models"));

    // A model whose checksum object does not match is refused, and nothing appears under its name.
    Path damaged = Files.write(WORK.resolve("damaged.onnx"), new byte[] {1, 2, 3});
    s3.uploadObject(UploadObjectArgs.builder().bucket(LocalStack.BUCKET).object("models/damaged.onnx")
        .filename(damaged.toString()).build());
    Path wrongSum = Files.writeString(WORK.resolve("damaged.onnx.sha256"), "0".repeat(64) + "  damaged.onnx\n");
    s3.uploadObject(UploadObjectArgs.builder().bucket(LocalStack.BUCKET).object("models/damaged.onnx.sha256")
        .filename(wrongSum.toString()).build());
    LocalPod refused = groundingPod("damaged", "damaged.onnx");
    Optional<LocalPod.Exit> failed = refused.runInitContainers(Duration.ofMinutes(2));
    assertTrue(failed.isPresent() && failed.get().output().contains("does not match models/damaged.onnx.sha256"),
        failed.map(LocalPod.Exit::output).orElse("the init step succeeded"));
    assertTrue(Files.notExists(WORK.resolve("damaged/grounding/volumes/models/damaged.onnx")));
  }

  /** The grounding pod of the default values, with {@code model} as its detector file, in WORK/label. */
  private LocalPod groundingPod(String label, String model) throws Exception {
    Map<String, Object> sets = localOverrides();
    sets.put("services.grounding.modelCache.files[0]", model);
    sets.put("services.grounding.modelCache.paths.BRUSHLINE_GROUNDING_YOLOX_MODEL", model);
    Manifests rendered = Manifests.read(Chart.render("smoke-" + label, null, sets));
    return new LocalPod(rendered, rendered.get("Deployment", "brushline-grounding"), ROOT,
        WORK.resolve(label).resolve("grounding"), WORK.resolve(label).resolve("claims"));
  }

  /** Points the chart at the local servers, on free ports. */
  private Map<String, Object> localOverrides() {
    Map<String, Object> sets = new LinkedHashMap<>();
    sets.put("kafka.bootstrapServers", stack.kafkaBootstrap());
    sets.put("kafka.security.protocol", "PLAINTEXT");
    sets.put("redis.uri", stack.redisUri());
    sets.put("storage.endpoint", stack.s3Endpoint());
    sets.put("storage.bucket", LocalStack.BUCKET);
    sets.put("storage.accessKey", LocalStack.ACCESS_KEY);
    sets.put("storage.secretKey", LocalStack.SECRET_KEY);
    sets.put("webhooks.secret", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
    for (String service : LocalStack.SERVICES) {
      sets.put("services." + service + ".port", LocalStack.freePort());
    }
    return sets;
  }

  private void upload(String key, Path file) throws Exception {
    s3.uploadObject(UploadObjectArgs.builder().bucket(LocalStack.BUCKET).object(key).filename(file.toString()).build());
    Path checksum = Files.createDirectories(WORK.resolve("checksums")).resolve(key.replace('/', '_') + ".sha256");
    Files.writeString(checksum, sha256(file) + "  " + file.getFileName() + "\n");
    s3.uploadObject(UploadObjectArgs.builder().bucket(LocalStack.BUCKET).object(key + ".sha256")
        .filename(checksum.toString()).build());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
