#!/usr/bin/env bash
# The activity's page queries on a large history (issue 16): EXPLAIN (ANALYZE, BUFFERS) of the first page and of a
# deep page, per person and per connection, on the hub's schema in an embedded PostgreSQL filled with that many
# entries. Writes bench/results/activity-plan.md.
#   bench/activity-plan.sh [entries=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home
./mvnw -q -B test-compile -Dformatter.skip -Dimpsort.skip
./mvnw -q -B exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.integrationhub.it.ActivityPlanBenchmark \
  -Dexec.args="${1:-1000000} bench/results/activity-plan.md"
