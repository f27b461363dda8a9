#!/usr/bin/env bash
# Scores every instruction engine side by side on the same rows of a labelled TSV (rules, learned, and
# the language model when BRUSHLINE_CLASSIFIER_LLM_BASE_URL is set): accuracy, per-class recall and
# precision, confusion matrix, object match (same head noun; containment). --misses lists wrong rows.
# Usage: tools/eval-classifier.sh [file.tsv] [--split test|train|all] [--misses]
# Default file: ../shared/data/instructions/public-instructions.tsv, scored on its test split (the
# learned engine trains on the rest); other files are scored whole.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
module="$root/services/classifier"
if [[ ! -f "$module/target/cli-classpath.txt" || ! -d "$module/target/classes" ]]; then
  echo "build the classifier first: mvn -B -q -pl services/classifier package -DskipTests" >&2
  exit 2
fi
cd "$root"
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$module/target/classes:$(cat "$module/target/cli-classpath.txt")" \
  io.brushline.classifier.cli.EvaluateCommand "$@"
