#!/usr/bin/env bash
# Builds everything and runs every test, unit and end-to-end (real Kafka, Redis and S3 servers are
# started by the tests themselves). Evaluation data and small real models are read from ../shared
# (override with -Dbrushline.shared.dir=DIR); tests that need them are skipped when it is missing,
# except under CI=true, where a missing ../shared fails the run (and each such test fails, too).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
for arg in "$@"; do
  case "$arg" in -Dbrushline.shared.dir=*) shared="${arg#-Dbrushline.shared.dir=}" ;; esac
done
if [ "${CI:-}" = "true" ] && [ ! -d "$shared/models" -o ! -d "$shared/data" ]; then
  echo "CI=true but the evaluation data and models are missing at $shared (set -Dbrushline.shared.dir=DIR)" >&2
  exit 1
fi
# promtool checks the chart's alert rules; install it on a fresh Debian machine (under CI=true the
# test fails without it rather than skipping).
if ! command -v promtool >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing promtool (Debian package prometheus) for the alert-rule check"
  (apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1; }) \
    || echo "could not install promtool; the alert-rule check will report it" >&2
fi
exec mvn -B verify "$@"
