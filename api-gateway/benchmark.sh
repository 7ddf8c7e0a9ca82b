#!/usr/bin/env bash
# add-client latency under load next to the bare-insert floor, on a real embedded PostgreSQL 17 and Kafka broker.
# Usage: api-gateway/benchmark.sh [rate per second …]   (default: 50 100 200)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl api-gateway -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/benchmark.classpath -Dmdep.includeScope=test
cd api-gateway
java -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
    dev.tasklane.gateway.GatewayBenchmark "$@"
