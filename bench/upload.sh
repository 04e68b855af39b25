#!/usr/bin/env bash
# The Drive upload benchmark (issue 11): a file of the given size through the packaged service (-Xmx256m) to a
# fake resumable Drive endpoint, beside curl posting it straight to the fake; peak RSS of the service.
# Writes bench/results/upload.md.
#   bench/upload.sh [size-mb=1024] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.UploadBenchmark \
  -Dexec.args="${1:-1024} ${2:-3} bench/results/upload.md"
