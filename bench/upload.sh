#!/usr/bin/env bash
# The Drive upload benchmark (issue 11): a file of the given size through the packaged service (-Xmx256m) to a
# fake resumable Drive endpoint, beside curl posting it straight to the fake and through a relay that only copies
# bytes; peak RSS of the service.
# With a link rate the fake reads no faster than that (as a real link to Drive would carry): the ratio it shows.
# Writes bench/results/upload.md, or upload-link-<rate>.md with a link rate.
#   bench/upload.sh [size-mb=1024] [rounds=3] [link-MiB/s=0: unlimited]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.UploadBenchmark \
  -Dexec.args="${1:-1024} ${2:-3} bench/results/upload${3:+-link-$3}.md ${3:-0}"
