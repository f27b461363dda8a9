#!/usr/bin/env bash
# Measures the learned instruction engine on one core: memory it adds, start-up, time per instruction
# (next to the rules), over the rows of a labelled TSV (default: the unseen phrasings set).
# Usage: tools/bench-classifier.sh [file.tsv] [rounds]
# Needs the classifier built once: mvn -B -q -pl services/classifier -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/tools/classifier-cli.sh"
file="${1:-$root/services/classifier/src/test/resources/eval/unseen-instructions.tsv}"
# one core: this shell (and the JVM it becomes) pinned to core 0, and the JVM told so
taskset -cp 0 $$ >/dev/null
classifier_java -XX:ActiveProcessorCount=1 io.brushline.classifier.cli.BenchmarkCommand "$file" "${2:-3}"
