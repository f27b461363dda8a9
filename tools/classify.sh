#!/usr/bin/env bash
# Classifies instructions, one per line, with the learned offline engine (--engine rules for the rules);
# one JSON object per output line, with the decision (confidence, nearest examples).
# Usage: tools/classify.sh [--engine learned|rules] [--image-size WxH] [file]     (reads stdin when no file is given)
# Needs the classifier built once: mvn -B -q -pl services/classifier package -DskipTests
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)/services/classifier"
if [[ ! -f "$module/target/cli-classpath.txt" || ! -d "$module/target/classes" ]]; then
  echo "build the classifier first: mvn -B -q -pl services/classifier package -DskipTests" >&2
  exit 2
fi
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$module/target/classes:$(cat "$module/target/cli-classpath.txt")" \
  io.brushline.classifier.cli.ClassifyCommand "$@"
