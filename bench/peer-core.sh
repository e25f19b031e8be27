#!/usr/bin/env bash
# Runs one of peer-core's benchmark programs (io.sluice.peer.bench.*) on the test classpath.
#   bench/peer-core.sh ConnectTimeBenchmark [runs]        (root and Chromium: see peer-core's interop README)
#   bench/peer-core.sh IdleConnectionsBenchmark [connections]
#   bench/peer-core.sh DtlsFloodBenchmark [runs] [flood sources] [hellos/ms per source]   (setup time under a ClientHello flood)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?benchmark class name, e.g. ConnectTimeBenchmark}; shift
./mvnw -q -B -pl peer-core test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >/dev/null
cp="peer-core/target/classes:peer-core/target/test-classes:$(cat peer-core/target/bench.classpath)"
exec java ${JAVA_OPTS:-} -cp "$cp" "io.sluice.peer.bench.$name" "$@"
