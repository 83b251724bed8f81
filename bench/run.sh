#!/usr/bin/env bash
# Benchmarks: speed and memory are measured here, never in timed tests.
#   bench/run.sh submission [TASKS] [ROUNDS]   CPU time to read+validate+normalise one large request
#   bench/run.sh pipeline [JOBS] [TASKS]        the five stages on a real broker, noop provider
# Results (with the command that produced them) go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-submission}; shift || true
./mvnw -q -DskipTests -DskipITs package
./mvnw -q -o dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
case "$what" in
  submission) exec java -Xmx1g -cp "$cp" dev.conveyor.bench.SubmissionBench "$@" ;;
  pipeline)   exec java -cp "$cp" dev.conveyor.bench.PipelineBench "$@" ;;
  *) echo "usage: bench/run.sh submission|pipeline [args]" >&2; exit 2 ;;
esac
