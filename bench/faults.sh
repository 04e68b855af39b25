#!/usr/bin/env bash
# The fault benchmark: two packaged replicas on one PostgreSQL, a provider that rotates refresh tokens and detects
# reuse, callers on both replicas; then a replica SIGKILLed mid-refresh, PostgreSQL restarted, the provider down, the
# webhook receiver down. Prints a table fault -> outcome and writes bench/results/faults.md.
#   bench/faults.sh [phase-seconds=15] [grants=200]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.FaultsBenchmark \
  -Dexec.args="${1:-15} ${2:-200} ${3:-bench/results/faults.md}"
