#!/usr/bin/env bash
# Start-up of the packaged service: the default jar beside the AOT-packaged jar started with the JDK 25 AOT cache
# its integration tests trained (bin/package-aot), started in turns on one PostgreSQL; also the cache Quarkus makes
# at build time (phase=build) and the AOT packaging without a cache. Writes bench/results/startup.md.
#   bench/startup.sh [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
bench=target/startup-bench
rm -rf "$bench" && mkdir -p "$bench"
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip
cp -a target/quarkus-app "$bench/plain"
./mvnw -q -B package -DskipTests -Dformatter.skip -Dimpsort.skip \
  -Dquarkus.package.jar.aot.enabled=true -Dquarkus.package.jar.aot.phase=build
cp -a target/quarkus-app "$bench/aot-at-build"   # -a keeps the modification times the cache checks
bin/package-aot -q -Dformatter.skip -Dimpsort.skip
cp -a target/quarkus-app "$bench/aot"
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.StartupBenchmark \
  -Dexec.args="${1:-5} bench/results/startup.md $bench/plain $bench/aot $bench/aot-at-build"
