#!/usr/bin/env bash
# Measures the learned instruction engine on one core: memory it adds, start-up, time per instruction
# (next to the rules), over the rows of a labelled TSV (default: the unseen phrasings set).
# Usage: tools/bench-classifier.sh [file.tsv] [rounds]
# Needs the classifier built once: mvn -B -q -pl services/classifier -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
module="$root/services/classifier"
if [[ ! -f "$module/target/cli-classpath.txt" || ! -d "$module/target/classes" ]]; then
  echo "build the classifier first: mvn -B -q -pl services/classifier -am package -DskipTests" >&2
  exit 2
fi
file="${1:-$module/src/test/resources/eval/unseen-instructions.tsv}"
exec taskset -c 0 java -XX:ActiveProcessorCount=1 -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$module/target/classes:$(cat "$module/target/cli-classpath.txt")" \
  io.brushline.classifier.cli.BenchmarkCommand "$file" "${2:-3}"
