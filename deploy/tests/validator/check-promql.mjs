// Parses PromQL expressions with the Prometheus project's own grammar (@prometheus-io/lezer-promql,
// the parser behind Prometheus' query editor) and lists the metric names each one reads.
//
// Usage: node check-promql.mjs <expressions.yaml>   (a list of {where: ..., expr: ...}, YAML or JSON)
//
// Prints {"checked": n, "metrics": [...], "errors": [...]} and exits 1 when any expression does not
// parse. Grafana's variables ($__rate_interval, $namespace, ...) are replaced by valid PromQL first.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { parser } from "@prometheus-io/lezer-promql";

const grafanaVariables = (expr) =>
  expr.replace(/\[\$__(rate_)?interval\]/g, "[5m]").replace(/\$\{?(\w+)\}?/g, "$1");

const expressions = yaml.load(readFileSync(process.argv[2], "utf8"));
const report = { checked: 0, metrics: [], errors: [] };
const metrics = new Set();
for (const { where, expr } of expressions) {
  const text = grafanaVariables(expr);
  const tree = parser.parse(text);
  let error = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) {
        error = `${where}: PromQL does not parse at ${node.from}: ${JSON.stringify(text.slice(node.from, node.from + 30))}`;
      }
      if (node.name === "VectorSelector") {
        const name = node.node.getChild("Identifier");
        if (name) metrics.add(text.slice(name.from, name.to));
      }
    },
  });
  if (error) report.errors.push(error);
  report.checked++;
}
report.metrics = [...metrics].sort();
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
process.exit(report.errors.length === 0 ? 0 : 1);
