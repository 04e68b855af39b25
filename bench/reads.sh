#!/usr/bin/env bash
# The read benchmark (issue 15): the packaged service in its bench profile, real JWT validation against a local
# JWKS, 10,000 users' connections, wrk on loopback against the read endpoints and, side by side, a baseline that
# only reads the same row by primary key; then the same load with 1,000,000 rows. Writes bench/results/reads.md
# and bench/results/reads.svg.
#   bench/reads.sh [rows=10000] [big-rows=1000000] [seconds-per-endpoint=10]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -q wrk; else sudo -n apt-get install -y -q wrk; fi
fi
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.ReadsBenchmark \
  -Dexec.args="${1:-10000} ${2:-1000000} ${3:-10} bench/results/reads.md"
