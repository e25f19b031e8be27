#!/usr/bin/env bash
# Runs one of the gateway's benchmark programs (io.sluice.gateway.bench.*) on its test classpath.
#   bench/gateway.sh RestLoadBenchmark [requestsPerClient]   (root and Chromium: see peer-core's interop README)
#   bench/gateway.sh KafkaBridgeBenchmark [messagesFor100B] [messagesFor16KiB] [runs]   (docs/kafka-benchmark.md)
#   bench/gateway.sh ChromiumEchoBenchmark [megabytes] [runs] [connections] [mdns|nomdns]   (Chromium echo: gateway vs Chromium)
#   bench/gateway.sh EventFanoutBenchmark [seconds] [pingPeers] [pingEveryMillis]   (slow event subscribers, docs/gateway-api.md)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?benchmark class name, e.g. RestLoadBenchmark}; shift
./mvnw -q -B -pl gateway -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="gateway/target/classes:gateway/target/test-classes:$(cat gateway/target/bench.classpath)"
exec java ${JAVA_OPTS:-} -cp "$cp" "io.sluice.gateway.bench.$name" "$@"
