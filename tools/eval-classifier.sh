#!/usr/bin/env bash
# Scores the offline instruction engine on a labelled TSV: accuracy, per-class recall and precision,
# confusion matrix, object-phrase match. Add --misses to list every wrong row.
# Usage: tools/eval-classifier.sh [file.tsv] [--misses]
# Default file: ../shared/data/instructions/public-instructions.tsv (relative to the repository root).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
module="$root/services/classifier"
if [[ ! -f "$module/target/cli-classpath.txt" || ! -d "$module/target/classes" ]]; then
  echo "build the classifier first: mvn -B -q -pl services/classifier package -DskipTests" >&2
  exit 2
fi
cd "$root"
exec java -cp "$module/target/classes:$(cat "$module/target/cli-classpath.txt")" \
  io.brushline.classifier.cli.EvaluateCommand "$@"
