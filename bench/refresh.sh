#!/usr/bin/env bash
# The refresh benchmark: the packaged service (default refresh settings) against a real PostgreSQL and a
# fake token endpoint with a fixed latency. Writes bench/results/refresh.md.
#   bench/refresh.sh [burst-grants=20000] [window-grants=100000] [latency-ms=100]
# Runs one burst on one replica, then starts a second replica on the same database and runs a burst of the same size
# on both (ratio two ÷ one, CPU and database writes per refresh); window-grants=0 skips the 5-minute lag window
# (a throughput + replicas run takes 2–3 minutes, e.g. bench/refresh.sh 5000 0 100).
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.RefreshBenchmark \
  -Dexec.args="${1:-20000} ${2:-100000} ${3:-100} bench/results/refresh.md"
