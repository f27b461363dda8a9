package io.brushline.deploy;

import static io.brushline.deploy.Manifests.list;
import static io.brushline.deploy.Manifests.map;
import static io.brushline.deploy.Manifests.podSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rendered Deployment's pod, run on this machine the way the kubelet would run it: the init
 * containers to completion, in order, then the first container, each with exactly the rendered
 * command, args and environment (ConfigMaps and Secrets resolved from the render, {@code $(VAR)}
 * expanded). The image's file system is mapped to the service's packaged application (the image's
 * /deployments) and every volume to a local directory: emptyDirs per pod, a PersistentVolumeClaim
 * per claim name (shared between pods, like a ReadWriteMany volume), Secrets and ConfigMaps as files.
 * The image's entrypoint and environment come from deploy/docker/Dockerfile.
 */
final class LocalPod implements AutoCloseable {

  /** What a container produced. */
  record Exit(int code, String output) {}

  /** NAME="quoted value" or NAME=bare-value, as in a Dockerfile ENV instruction. */
  private static final Pattern DOCKER_ENV = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|(\\S+))");
  private static final Pattern IMAGE_SERVICE = Pattern.compile("brushline-([a-z]+)");
  private static final Pattern KUBE_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private final Manifests rendered;
  private final Map<String, Object> deployment;
  private final String service;
  private final Path appDir;
  private final Path workDir;
  private final Path claimsDir;
  private final Map<String, Path> volumes = new LinkedHashMap<>();
  private Process main;
  private boolean stopRequested;
  private Path mainLog;

  LocalPod(Manifests rendered, Map<String, Object> deployment, Path repositoryRoot, Path workDir, Path claimsDir)
      throws IOException {
    this.rendered = rendered;
    this.deployment = deployment;
    this.service = (String) map(map(deployment, "metadata"), "labels").get("app.kubernetes.io/component");
    this.appDir = repositoryRoot.resolve("services").resolve(imageService()).resolve("target/quarkus-app");
    if (!Files.isRegularFile(appDir.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(appDir + " has no packaged application: build the services first");
    }
    this.workDir = Files.createDirectories(workDir);
    this.claimsDir = claimsDir;
    for (Map<String, Object> volume : list(podSpec(deployment), "volumes")) {
      volumes.put((String) volume.get("name"), materialise(volume));
    }
  }

  /**
   * The service module whose packaged application the pod's image holds: the word after "brushline-"
   * in the image name (painter-cpu runs the inpainting image, the GPU variant its -cuda build).
   */
  private String imageService() {
    String image = (String) list(podSpec(deployment), "containers").get(0).get("image");
    Matcher name = IMAGE_SERVICE.matcher(image.substring(image.lastIndexOf('/') + 1));
    if (!name.lookingAt()) {
      throw new IllegalStateException(service + " runs image " + image + ", which is not a brushline service image");
    }
    return name.group(1);
  }

  String service() {
    return service;
  }

  /** Runs every init container to completion; returns the first failure, or empty when all succeeded. */
  java.util.Optional<Exit> runInitContainers(Duration timeout) throws Exception {
    List<Map<String, Object>> inits = podSpec(deployment).containsKey("initContainers")
        ? list(podSpec(deployment), "initContainers") : List.of();
    for (Map<String, Object> container : inits) {
      Path log = workDir.resolve("init-" + container.get("name") + ".log");
      Process process = start(container, log);
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(service + " init container " + container.get("name") + " did not finish in "
            + timeout + "; see " + log);
      }
      Exit exit = new Exit(process.exitValue(), Files.readString(log));
      if (exit.code() != 0) {
        return java.util.Optional.of(exit);
      }
    }
    return java.util.Optional.empty();
  }

  /** The output of the last run of the named init container. */
  String initOutput(String name) throws IOException {
    return Files.readString(workDir.resolve("init-" + name + ".log"));
  }

  /** Starts the service container. */
  void startMain() throws IOException {
    mainLog = workDir.resolve(service + ".log");
    main = start(list(podSpec(deployment), "containers").get(0), mainLog);
  }

  /**
   * Polls the container's readiness probe (an HTTP GET on the named port) until it answers 2xx, the
   * process exits, or the startup probe's whole budget is spent.
   */
  void awaitReady() throws Exception {
    Map<String, Object> container = list(podSpec(deployment), "containers").get(0);
    Map<String, Object> probe = map(map(container, "readinessProbe"), "httpGet");
    Map<String, Object> startup = map(container, "startupProbe");
    long budgetSeconds = ((Number) startup.get("periodSeconds")).longValue()
        * ((Number) startup.get("failureThreshold")).longValue();
    int port = ((Number) list(container, "ports").get(0).get("containerPort")).intValue();
    URI uri = URI.create("http://127.0.0.1:" + port + probe.get("path"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(budgetSeconds);
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!main.isAlive()) {
        throw new AssertionError(service + " exited with " + main.exitValue() + " before it was ready:\n"
            + tail(mainLog));
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 == 2) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(service + " was not ready within " + budgetSeconds + " s (" + uri + ": " + last + "):\n"
        + tail(mainLog));
  }

  @Override
  public void close() throws InterruptedException {
    requestStop();
    if (main != null && !main.waitFor(30, TimeUnit.SECONDS)) {
      main.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM without waiting, so that several pods shut down at the same time; {@link #close} waits. */
  void requestStop() {
    if (main != null && main.isAlive() && !stopRequested) {
      stopRequested = true;
      main.destroy();
    }
  }

  private Process start(Map<String, Object> container, Path log) throws IOException {
    Map<String, String> env = imageEnvironment();
    env.putAll(containerEnvironment(container));
    List<String> command = new ArrayList<>();
    if (container.containsKey("command")) {
      command.addAll(strings(container.get("command")));
      command.addAll(strings(container.getOrDefault("args", List.of())));
    } else {
      command.addAll(imageEntrypoint());
      command.addAll(strings(container.getOrDefault("args", List.of())));
    }
    Map<String, String> mounts = mounts(container);
    List<String> local = command.stream().map(s -> localPaths(expand(s, env), mounts)).toList();
    env.replaceAll((name, value) -> localPaths(value, mounts));
    ProcessBuilder builder = new ProcessBuilder(local).directory(appDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().clear();
    // What the image's shell finds: the JVM on PATH, a HOME; everything else is the rendered env.
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    builder.environment().put("HOME", workDir.toString());
    builder.environment().putAll(env);
    // The tests' JIT and GC options (as for the local stack's processes: the build's
    // localstack.jvm.options): how the JVM compiles is no part of the rendered configuration, and 21
    // JVMs starting on two cores go faster with C1 only. The image's own options stay as rendered.
    String testJvmOptions = System.getProperty("brushline.localstack.jvm-options", "").strip();
    if (!testJvmOptions.isEmpty()) {
      builder.environment().put("JAVA_TOOL_OPTIONS", testJvmOptions);
    }
    return builder.start();
  }

  /** mountPath -> local directory, for this container (and /deployments, the application). */
  private Map<String, String> mounts(Map<String, Object> container) {
    Map<String, String> mounts = new LinkedHashMap<>();
    mounts.put("/deployments", appDir.toString());
    if (container.containsKey("volumeMounts")) {
      for (Map<String, Object> mount : list(container, "volumeMounts")) {
        Path dir = volumes.get((String) mount.get("name"));
        if (dir == null) {
          throw new AssertionError(service + " mounts volume " + mount.get("name") + ", which the pod does not define");
        }
        mounts.put((String) mount.get("mountPath"), dir.toString());
      }
    }
    return mounts;
  }

  /** Replaces every container path under a mount with the local directory it maps to. */
  static String localPaths(String value, Map<String, String> mounts) {
    // One pass over the value, longest mount path first, so that a local directory put in (which
    // may itself start like a mount path, e.g. /tmp/...) is never rewritten again.
    List<String> longestFirst = new ArrayList<>(mounts.keySet());
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    String alternatives = String.join("|", longestFirst.stream().map(Pattern::quote).toList());
    Pattern path = Pattern.compile("(?<=^|[=:\\s\"',])(" + alternatives + ")(?=$|[/\\s:\"',])");
    return path.matcher(value).replaceAll(m -> Matcher.quoteReplacement(mounts.get(m.group(1))));
  }

  /** Kubernetes' $(VAR) expansion of variables defined earlier; unknown ones stay as written. */
  private static String expand(String value, Map<String, String> env) {
    return KUBE_VAR.matcher(value).replaceAll(m -> Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
  }

  private Map<String, String> containerEnvironment(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    if (container.containsKey("envFrom")) {
      for (Map<String, Object> source : list(container, "envFrom")) {
        if (source.containsKey("configMapRef")) {
          env.putAll(data("ConfigMap", (String) map(source, "configMapRef").get("name")));
        } else {
          env.putAll(data("Secret", (String) map(source, "secretRef").get("name")));
        }
      }
    }
    if (container.containsKey("env")) {
      for (Map<String, Object> variable : list(container, "env")) {
        String name = (String) variable.get("name");
        if (variable.containsKey("value")) {
          env.put(name, expand(String.valueOf(variable.get("value")), env));
        } else {
          Map<String, Object> from = map(variable, "valueFrom");
          String kind = from.containsKey("secretKeyRef") ? "Secret" : "ConfigMap";
          Map<String, Object> ref = map(from, kind.equals("Secret") ? "secretKeyRef" : "configMapKeyRef");
          String value = data(kind, (String) ref.get("name")).get((String) ref.get("key"));
          if (value == null) {
            throw new AssertionError(service + ": " + kind + " " + ref.get("name") + " has no key " + ref.get("key"));
          }
          env.put(name, value);
        }
      }
    }
    return env;
  }

  /** A rendered ConfigMap's or Secret's data as strings. */
  private Map<String, String> data(String kind, String name) {
    Map<String, Object> object = rendered.find(kind, name)
        .orElseThrow(() -> new AssertionError(service + " reads " + kind + " " + name + ", which the chart does not render"));
    Map<String, String> data = new LinkedHashMap<>();
    if (object.containsKey("stringData")) {
      map(object, "stringData").forEach((key, value) -> data.put(key, String.valueOf(value)));
    }
    if (object.containsKey("data")) {
      map(object, "data").forEach((key, value) -> data.put(key, kind.equals("Secret")
          ? new String(Base64.getDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8) : String.valueOf(value)));
    }
    return data;
  }

  private Path materialise(Map<String, Object> volume) throws IOException {
    String name = (String) volume.get("name");
    if (volume.containsKey("persistentVolumeClaim")) {
      return Files.createDirectories(claimsDir.resolve((String) map(volume, "persistentVolumeClaim").get("claimName")));
    }
    Path dir = Files.createDirectories(workDir.resolve("volumes").resolve(name));
    if (volume.containsKey("secret") || volume.containsKey("configMap")) {
      boolean secret = volume.containsKey("secret");
      String source = (String) map(volume, secret ? "secret" : "configMap").get(secret ? "secretName" : "name");
      for (Map.Entry<String, String> entry : data(secret ? "Secret" : "ConfigMap", source).entrySet()) {
        Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
      }
    } else if (!volume.containsKey("emptyDir")) {
      throw new AssertionError(service + ": volume " + name + " of an unsupported kind: " + volume.keySet());
    }
    return dir;
  }

  /** ENV of deploy/docker/Dockerfile: the image's defaults, which the container env overrides. */
  private Map<String, String> imageEnvironment() {
    String dockerfile = dockerfile();
    int start = dockerfile.indexOf("\nENV ") + "\nENV ".length();
    String block = dockerfile.substring(start, dockerfile.indexOf("\n\n", start)).replace("\\\n", " ");
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m = DOCKER_ENV.matcher(block);
    while (m.find()) {
      env.put(m.group(1), (m.group(2) != null ? m.group(2) : m.group(3)).replace("${SERVICE}", service));
    }
    return env;
  }

  private List<String> imageEntrypoint() {
    String line = dockerfile().lines().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst()
        .orElseThrow(() -> new AssertionError("deploy/docker/Dockerfile has no ENTRYPOINT"));
    List<String> parts = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(line.substring("ENTRYPOINT ".length()));
    while (m.find()) {
      parts.add(m.group(1));
    }
    return parts;
  }

  private static String dockerfile() {
    try {
      return Files.readString(Chart.DEPLOY_DIR.resolve("docker/Dockerfile"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return ((List<Object>) value).stream().map(String::valueOf).toList();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
