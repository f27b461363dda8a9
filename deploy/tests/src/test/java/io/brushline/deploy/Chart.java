package io.brushline.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Renders the Brushline chart with the embedded Helm library, the way `helm template` would. */
final class Chart {

  static final Path DEPLOY_DIR = Path.of(System.getProperty("deploy.dir", "..")).toAbsolutePath().normalize();
  static final Path CHART_DIR = DEPLOY_DIR.resolve("helm/brushline");
  static final Path PLAIN_MANIFESTS = DEPLOY_DIR.resolve("k8s/brushline.yaml");
  static final Path RENDERED_DIR = Path.of("target/rendered").toAbsolutePath();

  /** Release name and namespace of every render; resource names start with the release name. */
  static final String RELEASE = "brushline";
  static final String NAMESPACE = "brushline";
  /** The embedded Helm assumes Kubernetes 1.20 when no cluster is asked; the chart needs 1.27+. */
  static final String KUBE_VERSION = "1.31.0";

  private Chart() {}

  /**
   * Renders with an optional values file (relative to the chart or absolute, null for the defaults) and --set
   * overrides, writes the result to target/rendered/&lt;label&gt;.yaml and returns that file.
   */
  static Path render(String label, String valuesFile, Map<String, Object> sets) throws IOException {
    TemplateCommand template = new Helm(CHART_DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(CHART_DIR.resolve(valuesFile));
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    String yaml = template.call();
    Files.createDirectories(RENDERED_DIR);
    Path file = RENDERED_DIR.resolve(label + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Renders with the defaults plus values given as YAML (for lists, which --set cannot replace). */
  static Path renderWithValues(String label, String valuesYaml) throws IOException {
    Files.createDirectories(RENDERED_DIR);
    Path values = RENDERED_DIR.resolve(label + "-values.yaml");
    Files.writeString(values, valuesYaml);
    return render(label, values.toString(), Map.of());
  }
}
