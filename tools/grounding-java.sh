#!/usr/bin/env bash
# Compiles the grounding and masking modules (with their test-scope tools) and runs one main class.
# JAVA_OPTS passes settings, e.g. JAVA_OPTS="-Dbrushline.masking.refine=grabcut".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
main="$1"; shift
if [[ -z "${BRUSHLINE_MODELS_DIR:-}" && -d "$root/../shared/models" ]]; then
  export BRUSHLINE_MODELS_DIR="$root/../shared/models"
fi
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/target/djl-cache}"
mvn -B -q -f "$root/pom.xml" -pl services/grounding,services/masking test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/tools-classpath.txt -Dmdep.includeScope=test >&2
m="$root/services/masking/target"
exec java ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -Dai.djl.pytorch.graph_optimizer=false \
  -cp "$m/test-classes:$m/classes:$(cat "$m/tools-classpath.txt")" "$main" "$@"
