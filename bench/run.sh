#!/usr/bin/env bash
# Capture-agent replay benchmark: agent records/s vs Kafka's ProducerPerformance, and the ratio.
# Usage: bench/run.sh [packets (default 2000000)] [partitions (default 4)]
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE="$PWD/bench/target/bench.classpath"
# compile, not package (no shaded launcher jar needed); -am: the project's modules come from this checkout, never from ~/.m2; bench is built last, so its
# classpath is the one left in CP_FILE.
mvn -B -ntp -q -pl bench -am compile dependency:build-classpath -DskipTests -Dmdep.outputFile="$CP_FILE"
exec java -Xmx2g -cp "$PWD/bench/target/classes:$(cat "$CP_FILE")" io.ctstream.bench.CaptureReplayBench "$@"
