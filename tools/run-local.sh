#!/usr/bin/env bash
# Runs the whole system on this machine: real Kafka (KRaft), Redis and an S3 server (s3proxy), then
# the six services, each its own process. Builds the project first unless --no-build is given.
# Ctrl-C stops every process it started. Data and logs stay in .local/data (delete it to start clean).
#
# Models are read from $BRUSHLINE_MODELS_DIR (default: models/, filled by tools/fetch-models.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

if [ "$build" = 1 ]; then
  echo "building (mvn install -DskipTests)..."
  mvn -B -q install -DskipTests
fi

export BRUSHLINE_MODELS_DIR="${BRUSHLINE_MODELS_DIR:-$PWD/models}"
if [ ! -f "$BRUSHLINE_MODELS_DIR/yolox_nano.onnx" ]; then
  echo "no detector model in $BRUSHLINE_MODELS_DIR: run tools/fetch-models.sh, or set BRUSHLINE_MODELS_DIR" >&2
  exit 1
fi

exec java -cp "tools/localstack/launcher/target/classes:$(cat tools/localstack/launcher/target/classpath.txt)" \
  io.brushline.localstack.LocalStackMain "${args[@]}"
