package io.brushline.deploy;

import static io.brushline.deploy.Manifests.at;
import static io.brushline.deploy.Manifests.containers;
import static io.brushline.deploy.Manifests.list;
import static io.brushline.deploy.Manifests.map;
import static io.brushline.deploy.Manifests.podSpec;
import static io.brushline.deploy.Manifests.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The deployment contract every rendering (chart with any values file, plain manifests) must keep:
 * which objects each service has, GPU scheduling only for inpainting, a lag scaler per consumer on
 * the right topic and group, probes and limits everywhere.
 */
final class DeploymentRules {

  /** A service, its HTTP port, what it consumes (nothing for the gateway) and what it reaches. */
  record ServiceSpec(String name, int port, String consumerGroup, List<String> topics, Set<String> dependencies) {
    boolean isConsumer() {
      return !topics.isEmpty();
    }

    boolean uses(String dependency) {
      return dependencies.contains(dependency);
    }
  }

  static final List<ServiceSpec> SERVICES = List.of(
      new ServiceSpec("gateway", 8080, null, List.of(), Set.of("kafka", "redis", "storage")),
      new ServiceSpec("classifier", 8081, "brushline-classifier", List.of("edit-requested"), Set.of("kafka", "redis")),
      new ServiceSpec("grounding", 8082, "brushline-grounding",
          List.of("edit-classified", "dataset-requested", "dataset-removed"),
          Set.of("kafka", "redis", "storage")),
      new ServiceSpec("masking", 8083, "brushline-masking", List.of("edit-grounded"), Set.of("kafka", "redis", "storage")),
      new ServiceSpec("inpainting", 8084, "brushline-inpainting", List.of("edit-masked", "edit-masked-bulk"),
          Set.of("kafka", "redis", "storage")),
      new ServiceSpec("painter-cpu", 8086, "brushline-inpainting-cpu", List.of("edit-masked-cpu"),
          Set.of("kafka", "redis", "storage")),
      new ServiceSpec("notifier", 8085, "brushline-notifier", List.of("edit-completed", "edit-failed", "dataset-completed"),
          Set.of("kafka", "redis", "webhooks")));

  /** Ports that identify a dependency in NetworkPolicy egress rules. */
  private static final int DNS_PORT = 53;
  private static final int REDIS_PORT = 6379;
  private static final int STORAGE_PORT = 9000;

  static final List<String> TOPICS = List.of("edit-requested", "edit-classified", "edit-grounded",
      "edit-masked", "edit-masked-cpu", "edit-masked-bulk", "edit-completed", "edit-failed", "edit-dead-letter", "dataset-requested",
      "dataset-removed", "dataset-completed");

  static final String GPU_PRESENT_LABEL = "nvidia.com/gpu.present";
  static final String GPU_TAINT = "nvidia.com/gpu";

  private final Manifests manifests;
  private final String prefix;

  /** @param prefix the resource name prefix (the chart's full name, e.g. "brushline") */
  DeploymentRules(Manifests manifests, String prefix) {
    this.manifests = manifests;
    this.prefix = prefix;
  }

  String objectName(String service) {
    return prefix + "-" + service;
  }

  Map<String, Object> deployment(String service) {
    return manifests.get("Deployment", objectName(service));
  }

  /** Runs every rule. gpuResource is the extended resource inpainting must request, or null for none. */
  void assertAll(String gpuResource) {
    assertEveryServiceHasItsObjects();
    assertEveryContainerHasProbesAndLimits();
    assertGpuSchedulingOnlyForInpainting(gpuResource);
    assertEveryConsumerScalesOnItsLag();
    assertGatewayScalesOnCpu();
    assertCredentialsOnlyWhereNeeded();
    assertEgressOnlyToDependencies();
    assertPodsRunLockedDown();
    assertPodsAreScraped();
  }

  void assertEveryServiceHasItsObjects() {
    for (ServiceSpec service : SERVICES) {
      String name = objectName(service.name());
      for (String kind : List.of("Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "NetworkPolicy")) {
        assertTrue(manifests.find(kind, name).isPresent(), manifests.source() + ": missing " + kind + " " + name);
      }
      Map<String, Object> pod = podSpec(deployment(service.name()));
      assertEquals(name, pod.get("serviceAccountName"), name + " runs under its own ServiceAccount");
      Map<String, Object> port = list(containers(deployment(service.name())).get(0), "ports").get(0);
      assertEquals(service.port(), port.get("containerPort"), name + " container port");
      assertEquals(List.of("Ingress", "Egress"),
          at(manifests.get("NetworkPolicy", name), "spec", "policyTypes"), name + " NetworkPolicy directions");
    }
  }

  void assertEveryContainerHasProbesAndLimits() {
    for (Map<String, Object> workload : manifests.ofKind("Deployment")) {
      for (Map<String, Object> container : containers(workload)) {
        String where = Manifests.name(workload) + "/" + container.get("name");
        assertProbe(container, "startupProbe", "/q/health/started", where);
        assertProbe(container, "livenessProbe", "/q/health/live", where);
        assertProbe(container, "readinessProbe", "/q/health/ready", where);
        assertLimits(container, where);
      }
    }
    for (Map<String, Object> job : manifests.ofKind("Job")) {
      for (Map<String, Object> container : containers(job)) {
        assertLimits(container, Manifests.name(job) + "/" + container.get("name"));
      }
    }
  }

  private static void assertProbe(Map<String, Object> container, String probe, String path, String where) {
    assertEquals(path, at(container, probe, "httpGet", "path"), where + " " + probe);
  }

  private static void assertLimits(Map<String, Object> container, String where) {
    Map<String, Object> resources = map(container, "resources");
    for (String part : List.of("requests", "limits")) {
      for (String resource : List.of("cpu", "memory")) {
        assertNotNull(at(resources, part, resource), where + " has no " + part + "." + resource);
      }
    }
  }

  void assertGpuSchedulingOnlyForInpainting(String gpuResource) {
    for (ServiceSpec service : SERVICES) {
      Map<String, Object> deployment = deployment(service.name());
      Map<String, Object> pod = podSpec(deployment);
      Map<String, Object> resources = map(containers(deployment).get(0), "resources");
      Set<String> gpuResources = map(resources, "limits").keySet().stream()
          .filter(key -> key.startsWith("nvidia.com/")).collect(Collectors.toSet());
      boolean tolerates = list(pod, "tolerations").stream()
          .anyMatch(t -> GPU_TAINT.equals(t.get("key")) && "NoSchedule".equals(t.get("effect")));
      Object selectsGpu = map(pod, "nodeSelector").get(GPU_PRESENT_LABEL);
      String where = manifests.source() + " " + service.name();

      if ("inpainting".equals(service.name()) && gpuResource != null) {
        assertEquals(Set.of(gpuResource), gpuResources, where + " GPU limit");
        Object count = at(resources, "limits", gpuResource);
        assertTrue(count instanceof Integer n && n >= 1, where + " requests at least one GPU");
        assertEquals(count, at(resources, "requests", gpuResource), where + " GPU request equals limit");
        assertTrue(tolerates, where + " tolerates the " + GPU_TAINT + " NoSchedule taint");
        assertEquals("true", selectsGpu, where + " selects nodes labelled " + GPU_PRESENT_LABEL);
        assertBatchCanFinish(deployment, where);
      } else {
        assertEquals(Set.of(), gpuResources, where + " must not request GPUs");
        assertFalse(tolerates, where + " must not tolerate the GPU taint");
        assertEquals(null, selectsGpu, where + " must not select GPU nodes");
        assertEquals(null, pod.get("runtimeClassName"), where + " must not use a GPU runtime class");
      }
    }
  }

  /** The grace period covers the preStop sleep plus the shutdown window given to the in-flight batch. */
  private static void assertBatchCanFinish(Map<String, Object> deployment, String where) {
    Map<String, Object> container = containers(deployment).get(0);
    int grace = (Integer) podSpec(deployment).get("terminationGracePeriodSeconds");
    @SuppressWarnings("unchecked")
    List<String> preStop = (List<String>) at(container, "lifecycle", "preStop", "exec", "command");
    assertEquals("sleep", preStop.get(0), where + " preStop sleeps");
    int sleep = Integer.parseInt(preStop.get(1));
    String shutdown = env(container).get("QUARKUS_SHUTDOWN_TIMEOUT");
    assertNotNull(shutdown, where + " sets QUARKUS_SHUTDOWN_TIMEOUT");
    int shutdownSeconds = Integer.parseInt(shutdown.replaceAll("s$", ""));
    assertTrue(grace > sleep + shutdownSeconds,
        where + " grace period " + grace + "s must exceed preStop " + sleep + "s + shutdown " + shutdownSeconds + "s");
  }

  void assertEveryConsumerScalesOnItsLag() {
    Map<String, Integer> partitions = partitionsByTopic();
    for (ServiceSpec service : SERVICES) {
      String name = objectName(service.name());
      if (!service.isConsumer()) {
        assertTrue(manifests.find("ScaledObject", name).isEmpty(), name + " is not a Kafka consumer");
        continue;
      }
      Map<String, Object> scaled = manifests.get("ScaledObject", name);
      Map<String, Object> spec = map(scaled, "spec");
      assertEquals(name, at(spec, "scaleTargetRef", "name"), name + " ScaledObject target");
      Map<String, Map<String, Object>> byTopic = new LinkedHashMap<>();
      for (Map<String, Object> trigger : list(spec, "triggers")) {
        assertEquals("kafka", trigger.get("type"), name + " trigger type");
        Map<String, Object> metadata = map(trigger, "metadata");
        byTopic.put((String) metadata.get("topic"), metadata);
      }
      assertEquals(Set.copyOf(service.topics()), byTopic.keySet(), name + " scales on the lag of its input topics");
      int max = (Integer) spec.get("maxReplicaCount");
      for (Map.Entry<String, Map<String, Object>> trigger : byTopic.entrySet()) {
        Map<String, Object> metadata = trigger.getValue();
        String where = name + " trigger on " + trigger.getKey();
        assertEquals(service.consumerGroup(), metadata.get("consumerGroup"), where + " consumer group");
        assertNotNull(metadata.get("bootstrapServers"), where + " bootstrapServers");
        assertTrue(Integer.parseInt((String) metadata.get("lagThreshold")) > 0, where + " lagThreshold");
        // A never-committed group must wake a scaled-to-zero consumer without counting the whole
        // retained log as lag (see scaledobject.yaml).
        assertEquals("false", metadata.get("scaleToZeroOnInvalidOffset"), where + " scaleToZeroOnInvalidOffset");
        assertEquals("latest", metadata.get("offsetResetPolicy"), where + " offsetResetPolicy");
        Integer topicPartitions = partitions.get(trigger.getKey());
        assertNotNull(topicPartitions, manifests.source() + ": no topic definition for " + trigger.getKey());
        assertTrue(max <= topicPartitions,
            where + ": maxReplicaCount " + max + " exceeds " + topicPartitions + " partitions");
      }
      assertFalse(map(deployment(service.name()), "spec").containsKey("replicas"),
          name + " replicas are owned by KEDA, not the Deployment");
    }
  }

  void assertGatewayScalesOnCpu() {
    String name = objectName("gateway");
    Map<String, Object> hpa = manifests.get("HorizontalPodAutoscaler", name);
    assertEquals(name, at(hpa, "spec", "scaleTargetRef", "name"), "gateway HPA target");
    Map<String, Object> metric = list(map(hpa, "spec"), "metrics").get(0);
    assertEquals("cpu", at(metric, "resource", "name"), "gateway HPA metric");
  }

  /** Storage keys go only to services that touch storage; the webhook secret only to the notifier. */
  void assertCredentialsOnlyWhereNeeded() {
    for (ServiceSpec service : SERVICES) {
      Map<String, String> env = env(containers(deployment(service.name())).get(0));
      assertEquals(service.uses("storage"), env.containsKey("BRUSHLINE_STORAGE_SECRET_KEY"),
          service.name() + " storage credentials");
      assertEquals(service.uses("webhooks"), env.containsKey("BRUSHLINE_WEBHOOK_SECRET"),
          service.name() + " webhook secret");
      assertTrue(env.containsKey("BRUSHLINE_REDIS_URI"), service.name() + " Redis URI");
    }
  }

  /**
   * Each NetworkPolicy opens DNS, Redis and Kafka, the storage port only for storage users, and
   * internet egress (an ipBlock) only for the webhook sender.
   */
  void assertEgressOnlyToDependencies() {
    for (ServiceSpec service : SERVICES) {
      List<Map<String, Object>> egress = list(map(manifests.get("NetworkPolicy", objectName(service.name())), "spec"), "egress");
      Set<Object> ports = egress.stream().flatMap(rule -> list(rule, "ports").stream())
          .map(port -> port.get("port")).collect(Collectors.toSet());
      boolean internet = egress.stream().flatMap(rule -> list(rule, "to").stream())
          .anyMatch(peer -> peer.containsKey("ipBlock"));
      String where = manifests.source() + " " + service.name() + " egress";
      assertTrue(ports.contains(DNS_PORT) && ports.contains(REDIS_PORT), where + " allows DNS and Redis: " + ports);
      assertTrue(ports.contains(9092) || ports.contains(9093), where + " allows Kafka: " + ports);
      assertEquals(service.uses("storage"), ports.contains(STORAGE_PORT), where + " storage port: " + ports);
      assertEquals(service.uses("webhooks"), internet, where + " internet ipBlock");
    }
  }

  /** Non-root, no privilege escalation, read-only root filesystem, no service-account token. */
  void assertPodsRunLockedDown() {
    for (ServiceSpec service : SERVICES) {
      Map<String, Object> deployment = deployment(service.name());
      Map<String, Object> pod = podSpec(deployment);
      Map<String, Object> container = containers(deployment).get(0);
      String where = manifests.source() + " " + service.name();
      assertEquals(true, at(pod, "securityContext", "runAsNonRoot"), where + " runAsNonRoot");
      assertEquals(false, pod.get("automountServiceAccountToken"), where + " automountServiceAccountToken");
      assertEquals(false, at(container, "securityContext", "allowPrivilegeEscalation"), where + " allowPrivilegeEscalation");
      assertEquals(true, at(container, "securityContext", "readOnlyRootFilesystem"), where + " readOnlyRootFilesystem");
    }
  }

  void assertPodsAreScraped() {
    for (ServiceSpec service : SERVICES) {
      Map<String, Object> annotations = map(map(map(map(deployment(service.name()), "spec"), "template"), "metadata"), "annotations");
      assertEquals("true", annotations.get("prometheus.io/scrape"), service.name() + " scrape annotation");
      assertEquals("/q/metrics", annotations.get("prometheus.io/path"), service.name() + " metrics path");
    }
  }

  /** Partition counts from Strimzi KafkaTopics, or from the topic-creation Job's kafka-topics.sh calls. */
  Map<String, Integer> partitionsByTopic() {
    Map<String, Integer> partitions = new HashMap<>();
    for (Map<String, Object> topic : manifests.ofKind("KafkaTopic")) {
      partitions.put(string(topic, "spec", "topicName"), (Integer) at(topic, "spec", "partitions"));
    }
    Pattern create = Pattern.compile("--topic (\\S+)\\s*\\\\?\\s*--partitions (\\d+)");
    for (Map<String, Object> job : manifests.ofKind("Job")) {
      for (Map<String, Object> container : containers(job)) {
        Matcher matcher = create.matcher(String.valueOf(container.get("args")));
        while (matcher.find()) {
          partitions.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
      }
    }
    return partitions;
  }

  static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> variable : list(container, "env")) {
      Object value = variable.get("value");
      env.put((String) variable.get("name"), value == null ? "<from " + variable.keySet() + ">" : value.toString());
    }
    return env;
  }
}
