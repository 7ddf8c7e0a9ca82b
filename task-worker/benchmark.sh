#!/usr/bin/env bash
# What a call pays for the rate budget shared by every worker instance, next to a bare round trip, on a real embedded
# PostgreSQL 17 with fsync on. Usage: task-worker/benchmark.sh   (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -o -pl task-worker -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test
cd task-worker
java -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" dev.tasklane.worker.RateBudgetBenchmark
