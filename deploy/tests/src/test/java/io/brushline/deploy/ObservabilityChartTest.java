package io.brushline.deploy;

import static io.brushline.deploy.Manifests.at;
import static io.brushline.deploy.Manifests.list;
import static io.brushline.deploy.Manifests.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The chart's alerts, dashboard and tracing settings: they render to valid objects, every PromQL
 * expression parses with Prometheus' own grammar, and the dashboard shows what an operator needs.
 * (The end-to-end ObservabilityEndToEndTest checks that the services expose every metric named here.)
 */
class ObservabilityChartTest {

  private static final Map<String, Object> ALL_ON = Map.of("metrics.prometheusRule.enabled", true,
      "metrics.grafanaDashboard.enabled", true, "tracing.enabled", true);
  private static final Set<String> ALERTS = Set.of("BrushlineConsumerLagGrowing", "BrushlineJobFailureRateHigh",
      "BrushlineWebhooksExhausted", "BrushlineGpuPodsNotReady");

  @Test
  void offByDefaultSoTheChartNeedsNoPrometheusOperatorOrCollector() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("observability-default", null, Map.of()));
    assertTrue(manifests.ofKind("PrometheusRule").isEmpty());
    assertTrue(manifests.find("ConfigMap", Chart.RELEASE + "-dashboard").isEmpty());
    Map<String, Object> config = map(manifests.get("ConfigMap", Chart.RELEASE), "data");
    assertTrue(config.keySet().stream().noneMatch(k -> k.startsWith("QUARKUS_OTEL")), config.toString());
  }

  @Test
  void rendersValidAlertsWhoseExpressionsParse() throws Exception {
    Path rendered = Chart.render("observability", null, ALL_ON);
    SchemaValidator.assertValid(rendered);
    List<Map<String, Object>> rules = alertRules(Manifests.read(rendered));
    assertEquals(ALERTS, rules.stream().map(r -> (String) r.get("alert")).collect(Collectors.toSet()));
    for (Map<String, Object> rule : rules) {
      assertNotNull(at(rule, "labels", "severity"), rule.toString());
      assertFalse(String.valueOf(at(rule, "annotations", "description")).isBlank(), rule.toString());
      assertTrue(String.valueOf(rule.get("expr")).contains("namespace=\"" + Chart.NAMESPACE + "\""),
          "each alert reads its own release's namespace: " + rule.get("expr"));
    }
    Set<String> metrics = metricsRead(rules.stream().map(r -> Map.of("where", (String) r.get("alert"),
        "expr", (String) r.get("expr"))).toList(), "alerts");
    assertTrue(metrics.containsAll(Set.of("kafka_consumer_fetch_manager_records_lag", "brushline_stage_jobs_total",
        "brushline_webhook_attempts_total", "kube_deployment_status_replicas_available")), metrics.toString());
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    String missing = "promtool (Debian package prometheus) is not installed; tools/test.sh installs it where apt-get "
        + "can; the PromQL grammar check of rendersValidAlertsWhoseExpressionsParse still runs";
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(onPath("promtool"), missing);
    }
    assumeTrue(onPath("promtool"), missing);
    Map<String, Object> rule = Manifests.read(Chart.render("observability-promtool", null, ALL_ON))
        .ofKind("PrometheusRule").get(0);
    Path file = Chart.RENDERED_DIR.resolve("brushline.rules.yaml");
    Files.writeString(file, new Yaml().dump(map(rule, "spec")));
    Process promtool = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true)
        .start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, promtool.exitValue(), output);
    assertTrue(output.contains("SUCCESS: " + ALERTS.size() + " rules found"), output);
  }

  @Test
  @SuppressWarnings("unchecked")
  void dashboardIsValidJsonForTheGrafanaSidecarAndShowsWhatOperatorsNeed() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("observability", null, ALL_ON));
    Map<String, Object> configMap = manifests.get("ConfigMap", Chart.RELEASE + "-dashboard");
    assertEquals("1", at(configMap, "metadata", "labels", "grafana_dashboard"), "the sidecar's default label");
    // JSON is YAML: SnakeYAML reads the dashboard and fails on any syntax error.
    Map<String, Object> dashboard = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
        .load((String) map(configMap, "data").get("brushline.json"));
    assertEquals("brushline-pipeline", dashboard.get("uid"));
    List<Map<String, Object>> panels = list(dashboard, "panels");
    Set<Object> ids = new HashSet<>();
    List<Map<String, String>> expressions = new ArrayList<>();
    Map<String, String> exprByTitle = new LinkedHashMap<>();
    for (Map<String, Object> panel : panels) {
      assertTrue(ids.add(panel.get("id")), "panel ids are unique: " + panel.get("id"));
      assertNotNull(panel.get("gridPos"), panel.get("title") + " has a place");
      for (Map<String, Object> target : list(panel, "targets")) {
        String expr = (String) target.get("expr");
        expressions.add(Map.of("where", panel.get("title") + " " + target.get("refId"), "expr", expr));
        exprByTitle.merge((String) panel.get("title"), expr, (a, b) -> a + "\n" + b);
      }
    }
    Set<String> metrics = metricsRead(expressions, "dashboard");
    Map<String, String> needed = Map.of(
        "jobs per second", "brushline_stage_jobs_total",
        "latency per stage", "brushline_stage_engine_seconds_bucket",
        "failures by code", "brushline_stage_jobs_total",
        "consumer lag", "kafka_consumer_fetch_manager_records_lag",
        "GPU utilisation", "brushline_paint_batch_seconds_sum");
    needed.forEach((what, metric) -> assertTrue(metrics.contains(metric), "the dashboard shows " + what));
    assertTrue(exprByTitle.entrySet().stream().anyMatch(e -> e.getKey().startsWith("Failures by code")
        && e.getValue().contains("by (stage, code)")), "failures are broken down by code");
    List<Map<String, Object>> variables = list(map(dashboard, "templating"), "list");
    assertEquals(Set.of("datasource", "namespace"), variables.stream().map(v -> v.get("name")).collect(Collectors.toSet()));
  }

  @Test
  void tracingSettingsReachEveryServiceThroughTheSharedConfigMap() throws Exception {
    Manifests manifests = Manifests.read(Chart.renderWithValues("observability-tracing", """
        tracing:
          enabled: true
          endpoint: http://collector.tracing:4318
          sampleRatio: 0.25
        """));
    Map<String, Object> config = map(manifests.get("ConfigMap", Chart.RELEASE), "data");
    assertEquals("false", config.get("QUARKUS_OTEL_SDK_DISABLED"));
    assertEquals("http://collector.tracing:4318", config.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    assertEquals("http/protobuf", config.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
    assertEquals("0.25", config.get("QUARKUS_OTEL_TRACES_SAMPLER_ARG"));
  }

  @Test
  void gpuValuesShipAlertsAndDashboardForTheOperatorsPrometheus() throws Exception {
    Manifests manifests = Manifests.read(Chart.render("observability-gpu", "values-gpu.yaml", Map.of()));
    Map<String, Object> rule = manifests.ofKind("PrometheusRule").get(0);
    assertEquals("prometheus", at(rule, "metadata", "labels", "release"));
    assertTrue(manifests.find("ConfigMap", Chart.RELEASE + "-dashboard").isPresent());
  }

  private static List<Map<String, Object>> alertRules(Manifests manifests) {
    Map<String, Object> rule = manifests.ofKind("PrometheusRule").get(0);
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : list(map(rule, "spec"), "groups")) {
      rules.addAll(list(group, "rules"));
    }
    return rules;
  }

  /** Parses the expressions with Prometheus' grammar; returns the metric names they read. */
  @SuppressWarnings("unchecked")
  private static Set<String> metricsRead(List<Map<String, String>> expressions, String label)
      throws IOException, InterruptedException {
    Path file = Chart.RENDERED_DIR.resolve(label + "-promql.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, new Yaml().dump(expressions));
    String report = SchemaValidator.assertValidPromQl(file);
    Map<String, Object> parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(report);
    assertEquals(expressions.size(), parsed.get("checked"));
    return new HashSet<>((List<String>) parsed.get("metrics"));
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
