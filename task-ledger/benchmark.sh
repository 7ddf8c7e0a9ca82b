#!/usr/bin/env bash
# Projection throughput next to the raw JDBC insert ceiling, on a real embedded PostgreSQL 17.
# Usage: task-ledger/benchmark.sh   (from the repository root or anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl task-ledger -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test
cd task-ledger
java -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    dev.tasklane.ledger.projection.ProjectionBenchmark
