#!/usr/bin/env bash
# Builds everything and runs every test, unit and end-to-end (real Kafka, Redis and S3 servers are
# started by the tests themselves). Evaluation data and small real models are read from ../shared
# (override with -Dbrushline.shared.dir=DIR); tests that need them are skipped when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
