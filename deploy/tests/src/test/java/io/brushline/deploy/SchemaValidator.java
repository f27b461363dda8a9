package io.brushline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates manifests against the Kubernetes OpenAPI schemas with the node script in validator/
 * (npm kubernetes-models plus its KEDA and prometheus-operator packages). The script and its
 * package-lock.json are copied to target/validator and installed there with `npm ci`, so a fresh
 * clone needs only Node and npm, and `mvn clean` removes the installation.
 */
final class SchemaValidator {

  /** CRDs no npm package here models; the tests assert their fields instead. */
  static final String UNCHECKED_KINDS = "kafka.strimzi.io/v1/KafkaTopic";

  private static final Path SOURCE = Path.of(System.getProperty("validator.dir", "validator"));
  private static final Path WORK = Path.of(System.getProperty("validator.work.dir", "target/validator"));
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "validate.mjs", "check-promql.mjs");

  private static boolean installed;

  private SchemaValidator() {}

  /** Fails with the validator's report when any object is invalid or of an unknown kind. */
  static synchronized void assertValid(Path manifests) throws IOException, InterruptedException {
    install();
    Result result =
        run(WORK, "node", WORK.resolve("validate.mjs").toAbsolutePath().toString(),
            "--unchecked=" + UNCHECKED_KINDS, manifests.toAbsolutePath().toString());
    assertEquals(0, result.exitCode, "schema validation of " + manifests + " failed:\n" + result.output);
  }

  /**
   * Parses each PromQL expression with Prometheus' own grammar (validator/check-promql.mjs); fails
   * with the report when one does not parse.
   *
   * @param expressions a YAML list of {where, expr}
   * @return the script's report (JSON), which lists the metric names the expressions read
   */
  static synchronized String assertValidPromQl(Path expressions) throws IOException, InterruptedException {
    install();
    Result result = run(WORK, "node", WORK.resolve("check-promql.mjs").toAbsolutePath().toString(),
        expressions.toAbsolutePath().toString());
    assertEquals(0, result.exitCode, "PromQL of " + expressions + " does not parse:\n" + result.output);
    return result.output;
  }

  private static void install() throws IOException, InterruptedException {
    if (installed) {
      return;
    }
    Files.createDirectories(WORK);
    boolean lockChanged = !Files.exists(WORK.resolve("package-lock.json"))
        || Files.mismatch(SOURCE.resolve("package-lock.json"), WORK.resolve("package-lock.json")) >= 0;
    for (String file : FILES) {
      Files.copy(SOURCE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (lockChanged || !Files.isDirectory(WORK.resolve("node_modules"))) {
      Result npm = run(WORK, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
      assertEquals(0, npm.exitCode, "npm ci in " + WORK + " failed:\n" + npm.output);
    }
    installed = true;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Path directory, String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    Process process;
    try {
      process = new ProcessBuilder(line).directory(directory.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command[0] + ": schema validation needs Node.js 20+ and npm on the PATH", e);
    }
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", line) + " timed out");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
