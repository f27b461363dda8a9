// Validates Kubernetes objects against the OpenAPI schemas shipped in kubernetes-models
// (core API groups) and its KEDA and prometheus-operator companion packages.
//
// Usage: node validate.mjs <file.yaml>...   (multi-document YAML, as `helm template` prints it)
//
// Prints one JSON report on stdout: {"validated": [...], "unchecked": [...], "errors": [...]}.
// Exits 1 when any object fails validation or has an apiVersion/kind no package here knows, so an
// unknown object can never pass silently. Kinds listed in --unchecked=<apiVersion/Kind,...> are
// reported as unchecked instead (the Java tests assert their fields themselves).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

// Which npm package holds the models of an API group; core groups live in kubernetes-models.
const CRD_PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function loadModel(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = CRD_PACKAGES[group] ?? "kubernetes-models";
  try {
    const module = await import(`${pkg}/${apiVersion}`);
    return module[kind];
  } catch (e) {
    if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") {
      return undefined;
    }
    throw e;
  }
}

const args = process.argv.slice(2);
const uncheckedArg = args.find((a) => a.startsWith("--unchecked="));
const allowedUnchecked = new Set(uncheckedArg ? uncheckedArg.slice("--unchecked=".length).split(",") : []);
const files = args.filter((a) => !a.startsWith("--"));

const report = { validated: [], unchecked: [], errors: [] };
for (const file of files) {
  const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
  for (const doc of docs) {
    const id = `${doc.apiVersion}/${doc.kind} ${doc.metadata?.name} (${file})`;
    const Model = doc.apiVersion && doc.kind ? await loadModel(doc.apiVersion, doc.kind) : undefined;
    if (!Model) {
      if (allowedUnchecked.has(`${doc.apiVersion}/${doc.kind}`)) {
        report.unchecked.push(id);
      } else {
        report.errors.push(`${id}: no schema known for this apiVersion and kind`);
      }
      continue;
    }
    try {
      new Model(doc).validate();
      report.validated.push(id);
    } catch (e) {
      const details = e.errors ? JSON.stringify(e.errors) : "";
      report.errors.push(`${id}: ${e.message} ${details}`);
    }
  }
}
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
process.exit(report.errors.length === 0 ? 0 : 1);
