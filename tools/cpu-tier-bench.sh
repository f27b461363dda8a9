#!/usr/bin/env bash
# CPU editing tier figures (docs/cpu-tier.md): time of every operation on a 2048x1365 photo on one
# core, and how many of the shared public instructions the CPU tier serves, by category.
#   tools/cpu-tier-bench.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${BRUSHLINE_SHARED_DIR:-../shared}"
mvn -B -q -o -pl services/classifier,services/inpainting -am -DskipTests test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath() {
    echo "services/common/target/classes:services/$1/target/classes:services/$1/target/test-classes:$(cat "services/$1/target/bench-classpath.txt")"
}
echo "## Operations, one core"
taskset -c 0 java --enable-native-access=ALL-UNNAMED -XX:ActiveProcessorCount=1 -Djava.io.tmpdir=target \
    -cp "$(classpath inpainting)" io.brushline.inpainting.bench.CpuTierBenchmark "$shared/data/images" "${1:-5}"
echo
echo "## Public instructions the CPU tier serves"
java -cp "$(classpath classifier)" io.brushline.classifier.bench.CpuCoverageReport \
    "$shared/data/instructions/public-instructions.tsv"
