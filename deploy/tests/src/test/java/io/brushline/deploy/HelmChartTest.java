package io.brushline.deploy;

import static io.brushline.deploy.Manifests.at;
import static io.brushline.deploy.Manifests.containers;
import static io.brushline.deploy.Manifests.map;
import static io.brushline.deploy.Manifests.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelmChartTest {

  @Test
  void lintsStrictlyClean() {
    LintResult result = new Helm(Chart.CHART_DIR).lint().strict().call();
    assertFalse(result.isFailed(), "helm lint --strict: " + String.join("\n", result.getMessages()));
  }

  /** Each example values file renders valid objects that keep the deployment contract. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "none", value = {
      "default, none,            nvidia.com/gpu",
      "cpu,     values-cpu.yaml, none",
      "gpu,     values-gpu.yaml, nvidia.com/gpu",
  })
  void rendersValidObjectsThatKeepTheContract(String label, String valuesFile, String gpuResource) throws Exception {
    Path rendered = Chart.render(label, valuesFile, Map.of());
    SchemaValidator.assertValid(rendered);
    new DeploymentRules(Manifests.read(rendered), Chart.RELEASE).assertAll(gpuResource);
  }

  @Test
  void migProfileReplacesTheWholeGpuResource() throws Exception {
    Path rendered = Chart.render("mig", "values-gpu.yaml",
        Map.of("services.inpainting.gpu.resourceName", "nvidia.com/mig-1g.10gb", "services.inpainting.gpu.count", 2));
    SchemaValidator.assertValid(rendered);
    DeploymentRules rules = new DeploymentRules(Manifests.read(rendered), Chart.RELEASE);
    rules.assertAll("nvidia.com/mig-1g.10gb");
    Map<String, Object> resources = map(containers(rules.deployment("inpainting")).get(0), "resources");
    assertEquals(2, at(resources, "limits", "nvidia.com/mig-1g.10gb"));
  }

  @Test
  void gpuClusterValuesUseStrimziTopicsRuntimeClassAndScaleToZero() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("gpu-details", "values-gpu.yaml", Map.of()));
    DeploymentRules rules = new DeploymentRules(manifests, Chart.RELEASE);

    // Strimzi KafkaTopics have no npm schema here: assert their fields.
    assertEquals(DeploymentRules.TOPICS.size(), manifests.ofKind("KafkaTopic").size());
    for (String topic : DeploymentRules.TOPICS) {
      Map<String, Object> kafkaTopic = manifests.get("KafkaTopic", topic);
      assertEquals("kafka.strimzi.io/v1", kafkaTopic.get("apiVersion"));
      assertNotNull(at(kafkaTopic, "metadata", "labels", "strimzi.io/cluster"), topic + " names its Kafka cluster");
      assertEquals(topic, at(kafkaTopic, "spec", "topicName"));
      assertTrue((Integer) at(kafkaTopic, "spec", "partitions") >= 1, topic + " partitions");
      assertTrue((Integer) at(kafkaTopic, "spec", "replicas") >= 1, topic + " replicas");
      assertTrue(at(kafkaTopic, "spec", "config", "retention.ms") instanceof String, topic + " retention.ms");
    }
    assertTrue(manifests.ofKind("Job").isEmpty(), "no topic Job when Strimzi creates the topics");

    Map<String, Object> inpaintingPod = podSpec(rules.deployment("inpainting"));
    assertEquals("nvidia", inpaintingPod.get("runtimeClassName"));
    Map<String, Object> scaled = manifests.get("ScaledObject", rules.objectName("inpainting"));
    assertEquals(0, at(scaled, "spec", "minReplicaCount"), "GPU tier scales to zero");
    assertNotNull(manifests.find("ServiceMonitor", Chart.RELEASE).orElse(null), "ServiceMonitor rendered");
    assertNotNull(manifests.find("Ingress", rules.objectName("gateway")).orElse(null), "gateway Ingress rendered");
  }

  @Test
  void defaultValuesCreateTopicsWithAJobAndKeepGpuPodsWarm() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("default-details", null, Map.of()));
    List<Map<String, Object>> jobs = manifests.ofKind("Job");
    assertEquals(1, jobs.size(), "one topic-creation Job");
    Map<String, Object> job = jobs.get(0);
    assertTrue(Manifests.name(job).startsWith(Chart.RELEASE + "-topics-"), Manifests.name(job));
    String script = String.valueOf(containers(job).get(0).get("args"));
    for (String topic : DeploymentRules.TOPICS) {
      assertTrue(script.contains("--create --if-not-exists --topic " + topic + " "), "Job creates " + topic);
    }
    Map<String, Object> scaled = manifests.get("ScaledObject", Chart.RELEASE + "-inpainting");
    assertEquals(1, at(scaled, "spec", "minReplicaCount"), "scale to zero is opt-in");
    assertTrue(manifests.ofKind("Ingress").isEmpty(), "Ingress is opt-in");
  }

  @Test
  void withoutKedaConsumersRunAFixedReplicaCount() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("no-keda", null, Map.of("keda.enabled", false)));
    assertTrue(manifests.ofKind("ScaledObject").isEmpty());
    DeploymentRules rules = new DeploymentRules(manifests, Chart.RELEASE);
    for (DeploymentRules.ServiceSpec service : DeploymentRules.SERVICES) {
      Object replicas = at(rules.deployment(service.name()), "spec", "replicas");
      assertEquals(service.isConsumer() ? 1 : null, replicas, service.name() + " replicas");
    }
  }

  @Test
  void existingSecretReplacesTheRenderedOne() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("existing-secret", null, Map.of("secrets.existingSecret", "prod-creds")));
    assertTrue(manifests.ofKind("Secret").isEmpty());
    Map<String, Object> container = containers(new DeploymentRules(manifests, Chart.RELEASE).deployment("notifier")).get(0);
    assertTrue(String.valueOf(container.get("env")).contains("name=prod-creds"));
  }

  @Test
  void disabledServiceRendersNothing() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("no-notifier", null, Map.of("services.notifier.enabled", false)));
    List<Map<String, Object>> leftovers = manifests.all().stream()
        .filter(o -> Manifests.name(o).equals(Chart.RELEASE + "-notifier")).toList();
    assertEquals(List.of(), leftovers);
  }

  @Test
  void refusesMoreConsumersThanPartitions() {
    Exception error = assertThrows(Exception.class,
        () -> Chart.render("too-many", null, Map.of("services.inpainting.autoscaling.keda.maxReplicas", 50)));
    assertTrue(error.getMessage().contains("exceeds the 12 partitions of edit-masked"), error.getMessage());
  }

  @Test
  void refusesAModelPathTheFetchStepDoesNotFetch() {
    Exception error = assertThrows(Exception.class, () -> Chart.render("unfetched-model", null,
        Map.of("services.inpainting.modelCache.files[0]", "sd-inpainting/")));
    assertTrue(error.getMessage().contains("BRUSHLINE_INPAINTING_INSTRUCTION_MODEL_DIR (instruct-pix2pix) is not among"),
        error.getMessage());
  }

  /** Kafka credentials reach every client from Secrets, never as literal values. */
  @Test
  void kafkaSaslAndTlsComeFromSecretsForServicesTopicJobAndKeda() throws Exception {
    Manifests rendered = Manifests.read(Chart.render("kafka-sasl", null, Map.of(
        "kafka.security.protocol", "SASL_SSL",
        "kafka.security.sasl.username", "brushline-app",
        "kafka.security.sasl.passwordSecret.name", "brushline-app",
        "kafka.security.tls.caSecret.name", "kafka-ca")));
    SchemaValidator.assertValid(Chart.RENDERED_DIR.resolve("kafka-sasl.yaml"));
    for (Map<String, Object> workload : rendered.all()) {
      if (!List.of("Deployment", "Job").contains(workload.get("kind"))) {
        continue;
      }
      List<Map<String, Object>> env = Manifests.list(containers(workload).get(0), "env");
      Map<String, Object> password = env.stream().filter(e -> "BRUSHLINE_KAFKA_PASSWORD".equals(e.get("name")))
          .findFirst().orElseThrow(() -> new AssertionError(Manifests.name(workload) + " has no Kafka password"));
      assertEquals("brushline-app", at(password, "valueFrom", "secretKeyRef", "name"));
      assertTrue(env.stream().anyMatch(e -> "KAFKA_SASL_JAAS_CONFIG".equals(e.get("name"))
          && String.valueOf(e.get("value")).contains("password=\"$(BRUSHLINE_KAFKA_PASSWORD)\"")), Manifests.name(workload));
      assertTrue(env.stream().anyMatch(e -> "KAFKA_SSL_TRUSTSTORE_CERTIFICATES".equals(e.get("name"))
          && "kafka-ca".equals(at(e, "valueFrom", "secretKeyRef", "name"))), Manifests.name(workload));
    }
    Map<String, Object> auth = rendered.get("TriggerAuthentication", "brushline-kafka");
    assertEquals(3, Manifests.list(map(auth, "spec"), "secretTargetRef").size(), "username, password and CA");
    for (Map<String, Object> scaledObject : rendered.ofKind("ScaledObject")) {
      for (Map<String, Object> trigger : Manifests.list(map(scaledObject, "spec"), "triggers")) {
        assertEquals("brushline-kafka", at(trigger, "authenticationRef", "name"));
        assertEquals("scram_sha512", at(trigger, "metadata", "sasl"));
        assertEquals("enable", at(trigger, "metadata", "tls"));
      }
    }
  }

  /** The rules are not vacuous: a CPU service on GPU nodes, or a stray credential, is caught. */
  @Test
  void rulesCatchBrokenDeployments() throws Exception {
    Manifests gpuOnClassifier = Manifests.read(Chart.render("gpu-on-classifier", null, Map.of(
        "services.classifier.tolerations[0].key", "nvidia.com/gpu",
        "services.classifier.tolerations[0].operator", "Exists",
        "services.classifier.tolerations[0].effect", "NoSchedule")));
    AssertionError gpu = assertThrows(AssertionError.class,
        () -> new DeploymentRules(gpuOnClassifier, Chart.RELEASE).assertAll("nvidia.com/gpu"));
    assertTrue(gpu.getMessage().contains("classifier must not tolerate the GPU taint"), gpu.getMessage());

    Manifests storageOnNotifier = Manifests.read(Chart.renderWithValues("storage-on-notifier",
        "services: {notifier: {dependencies: [kafka, redis, webhooks, storage]}}"));
    AssertionError storage = assertThrows(AssertionError.class,
        () -> new DeploymentRules(storageOnNotifier, Chart.RELEASE).assertCredentialsOnlyWhereNeeded());
    assertTrue(storage.getMessage().contains("notifier storage credentials"), storage.getMessage());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "services.gateway.replica,                   3",
      "services.inpainting.gpu.resourceName,       gpu",
      "topics.provisioner,                         kafka",
      "services.notifier.dependencies[0],          internet",
      "services.inpainting.shutdownTimeout,        4m",
  })
  void valuesSchemaRejectsMistakes(String key, String value) {
    Exception error = assertThrows(Exception.class, () -> Chart.render("invalid", null, Map.of(key, value)));
    assertTrue(error.getMessage().contains("values don't meet the specifications of the schema"), error.getMessage());
  }

  @Test
  void refusesAGracePeriodThatCutsTheBatchShort() {
    Exception error = assertThrows(Exception.class,
        () -> Chart.render("short-grace", null, Map.of("services.inpainting.terminationGracePeriodSeconds", 200)));
    assertTrue(error.getMessage().contains(
        "terminationGracePeriodSeconds must exceed preStopSleepSeconds + shutdownTimeout (250s)"), error.getMessage());
  }
}
