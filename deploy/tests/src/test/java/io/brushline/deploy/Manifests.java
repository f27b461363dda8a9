package io.brushline.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A set of Kubernetes objects parsed from multi-document YAML, with typed look-ups for the assertions. */
final class Manifests {

  private final String source;
  private final List<Map<String, Object>> objects;

  private Manifests(String source, List<Map<String, Object>> objects) {
    this.source = source;
    this.objects = List.copyOf(objects);
  }

  @SuppressWarnings("unchecked")
  static Manifests parse(String source, String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document instanceof Map<?, ?> map && !map.isEmpty()) {
        objects.add((Map<String, Object>) map);
      }
    }
    return new Manifests(source, objects);
  }

  static Manifests read(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file));
  }

  String source() {
    return source;
  }

  List<Map<String, Object>> all() {
    return objects;
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
  }

  Optional<Map<String, Object>> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
  }

  Map<String, Object> get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError(source + ": no " + kind + " named " + name));
  }

  static String name(Map<String, Object> object) {
    return (String) map(object, "metadata").get("name");
  }

  /** The pod spec of a Deployment or Job. */
  static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(map(map(workload, "spec"), "template"), "spec");
  }

  static List<Map<String, Object>> containers(Map<String, Object> workload) {
    return list(podSpec(workload), "containers");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  /** Follows a path of map keys; missing keys yield null. */
  static Object at(Map<String, Object> root, String... path) {
    Object current = root;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  static String string(Map<String, Object> root, String... path) {
    return Objects.toString(at(root, path), null);
  }
}
