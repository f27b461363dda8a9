#!/usr/bin/env bash
# The benchmark harness (not part of the tests). Starts its own stack on free ports, drives jobs, prints
# figures. Build first (mvn -DskipTests install). Examples:
#   tools/bench.sh                                        2000 jobs at 20 jobs/s, 512x512 photos
#   tools/bench.sh --jobs 400 --concurrency 32 --painter-service-time PT0.25S --inpainting-instances 1,2,4
# Options: --jobs N --rate R | --concurrency C --warmup W --size S --images DIR --models DIR
#          --painter-service-time ISO-8601 (BENCHMARK painter: fixed time per job, one at a time per instance)
#          --inpainting-instances K[,K...] --partitions P
#          --rss-every N (soak: print each process's current RSS every N finished jobs)
#   tools/bench.sh dataset [--images 510] [--filters JSON] [--out DIR]
#                                                         one dataset job of the shared photos repeated (docs/datasets.md)
# BRUSHLINE_BENCH_JVM_OPTIONS goes to every JVM of the stack, e.g. a flight recording per process:
#   BRUSHLINE_BENCH_JVM_OPTIONS="-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile" tools/bench.sh ...
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Dbrushline.root="$PWD" -Dbrushline.localstack.jvm-options="${BRUSHLINE_BENCH_JVM_OPTIONS:-}" -Dbrushline.shared.dir="${BRUSHLINE_SHARED_DIR:-$PWD/../shared}" \
  -cp "tools/bench/target/classes:$(cat tools/bench/target/classpath.txt)" io.brushline.bench.BenchMain "$@"
