package io.brushline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/brushline.yaml is the chart's default render with a header. The tests hold it to the
 * same schema validation and contract, and fail when it drifts from the chart. Regenerate it with
 * mvn -pl deploy/tests test -Dbrushline.updateManifests=true
 */
class PlainManifestsTest {

  static final String HEADER = """
      # Brushline plain Kubernetes manifests.
      # Generated from deploy/helm/brushline with its default values (release "brushline"), by
      #   mvn -pl deploy/tests test -Dbrushline.updateManifests=true
      # Do not edit by hand: change the chart and regenerate. Edit the external endpoints in the
      # ConfigMap and the credentials in the Secret "brushline" before applying:
      #   kubectl create namespace brushline && kubectl apply -n brushline -f deploy/k8s/brushline.yaml
      """;

  @Test
  void validateAndKeepTheContract() throws Exception {
    SchemaValidator.assertValid(Chart.PLAIN_MANIFESTS);
    new DeploymentRules(Manifests.read(Chart.PLAIN_MANIFESTS), Chart.RELEASE).assertAll("nvidia.com/gpu");
  }

  @Test
  void matchTheChartsDefaultRender() throws Exception {
    Path rendered = Chart.render("plain-manifests", null, Map.of());
    String expected = HEADER + Files.readString(rendered);
    if (Boolean.getBoolean("brushline.updateManifests")) {
      Files.createDirectories(Chart.PLAIN_MANIFESTS.getParent());
      Files.writeString(Chart.PLAIN_MANIFESTS, expected);
    }
    assertEquals(expected, Files.readString(Chart.PLAIN_MANIFESTS),
        "deploy/k8s/brushline.yaml differs from the chart's default render; regenerate it (see class comment)");
  }
}
