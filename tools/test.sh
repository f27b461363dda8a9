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
# Installs a Debian package on a fresh machine (as root) when its command is missing; a test that
# needs the command fails under CI=true without it rather than skipping.
install_if_missing() { # command package purpose
  if ! command -v "$1" >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing $1 (Debian package $2) for $3"
    (apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1; }) \
      || echo "could not install $2; $3 will report it" >&2
  fi
}
# promtool checks the chart's alert rules.
install_if_missing promtool prometheus "the alert-rule check"
# The web studio's browser test drives Debian's headless chromium through chromedriver (the package
# chromium-driver brings chromium with it).
install_if_missing chromedriver chromium-driver "the studio's browser test"
exec mvn -B verify "$@"
