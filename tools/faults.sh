#!/usr/bin/env bash
# The fault tests at a larger scale than CI: 2000 jobs per run by default. Each scenario starts its own
# stack on free ports and prints, per fault, what it did to the run: time to recover, jobs delayed,
# latency (max end to end), duplicates observed and webhook attempts. Build first
# (mvn -B install -Dmaven.test.skip=true). Examples:
#   tools/faults.sh                                  every scenario, 2000 jobs per run
#   tools/faults.sh -Dfaults.jobs=800 -Dtest=InfrastructureFaultTest
# Extra arguments go to Maven (-Dfaults.rate=R for submissions per second, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
figures=tests/faults/target/fault-figures.txt
rm -f "$figures"
status=0
mvn -B verify -pl tests/faults -Dfaults.jobs=2000 "$@" || status=$?
echo
echo "== What each fault did (also in $figures)"
if [[ -f "$figures" ]]; then
  # One line per run in the file, fields separated by '|': the scenario, then one figure per line.
  awk -F' [|] ' '{ print $1; for (i = 2; i <= NF; i++) print "    " $i; print "" }' "$figures"
fi
exit "$status"
