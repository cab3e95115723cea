#!/usr/bin/env bash
# The ctstream bench: every section in one run on this machine; prints the table and writes
# bench/target/bench-results/bench.md and bench.png. Options: bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
CP_FILE="$PWD/bench/target/bench.classpath"
# compile, not package (no shaded launcher jar needed); -am: the project's modules come from this checkout, never from ~/.m2; bench is built last, so its
# classpath is the one left in CP_FILE.
mvn -B -ntp -q -pl bench -am compile dependency:build-classpath -DskipTests -Dmdep.outputFile="$CP_FILE"
# BENCH_JAVA_OPTS: extra JVM options, e.g. a JFR recording: BENCH_JAVA_OPTS="-XX:StartFlightRecording=filename=bench.jfr,settings=profile"
exec java -Xmx3g ${BENCH_JAVA_OPTS:-} -Djava.awt.headless=true -Dlogback.configurationFile="$PWD/bench/src/main/resources/bench-logback.xml" -cp "$PWD/bench/target/classes:$(cat "$CP_FILE")" io.ctstream.bench.BenchMain "$@"
