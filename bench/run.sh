#!/usr/bin/env bash
# Benchmarks: speed and memory are measured here, never in timed tests.
#   bench/run.sh submission [TASKS] [ROUNDS]   CPU time to read+validate+normalise one large request
#   bench/run.sh pipeline [JOBS] [TASKS]        the five stages on a real broker, noop provider
#   bench/run.sh ratio [JOBS] [RATE] [SECONDS]  the pipeline beside a plain 5-hop Kafka chain, same broker, same run
#                                               (and a job's 13 records moved by plain clients: Kafka alone)
#                                               (-Dbench.store=s3 in BENCH_JAVA_OPTS: the service on an S3 bucket; -Dbench.store.latency-ms=N: N ms a call)
#   bench/run.sh inflight [JOBS] [TASKS] [SECONDS] [XMX]  JOBS x TASKS noop tasks running at once in a service at -XmxXMX
#   bench/run.sh scale [JOBS] [CORES]           the same burst on one service process, on two sharing the groups (each under a
#                                               CPU quota of CORES where cgroups can be made), on five running one stage each
#   bench/run.sh lag [JOBS]                     where a job waits: per-stage median times from the status topic
#   bench/run.sh chaos [JOBS] [SECONDS] [--broker-kill] [--backend=aws-batch|azure-batch] [--store-outage=N] [--api-outage=N]  2 workers + 1 broker process, a worker SIGKILLed every 6 s (and the cloud backend's store down, or its API answering 503, N s mid-run): lost/duplicated/wrong/re-run counts
#   bench/run.sh fuzz [HOSTILE] [GOOD]          hostile records among good ones: how each was answered, one answer per record
#   bench/run.sh floor [JOBS] [ROUNDS]          a 1-task job's own work with no Kafka at all (request, store, engine, JSON): CPU per job
#   bench/run.sh result [TASKS] [LATENCY_MS] [ROUNDS]  building one TASKS-task job's result on an S3 bucket whose calls take LATENCY_MS
# Results (with the command that produced them) go to docs/benchmarks.md (chaos and fuzz: docs/reliability.md).
# BENCH_JAVA_OPTS: options for the bench's JVM (e.g. -Dbench.keep=true keeps its working folder, deleted otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-submission}; shift || true
./mvnw -q -DskipTests -DskipITs package
./mvnw -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
# the embedded broker and the clients log through JBoss LogManager, set before anything logs
jul=-Djava.util.logging.manager=org.jboss.logmanager.LogManager
case "$what" in
  submission) exec java ${BENCH_JAVA_OPTS:-} -Xmx1g -cp "$cp" dev.conveyor.bench.SubmissionBench "$@" ;;
  pipeline)   exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.PipelineBench "$@" ;;
  lag)        exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.StageLagProbe "$@" ;;
  inflight)   exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.InFlightBench "$@" ;;
  scale)      exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.ScaleOutBench "$@" ;;
  chaos)      exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.ChaosBench "$@" ;;
  fuzz)       exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.FuzzBench "$@" ;;
  ratio)      exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.RatioBench "$@" ;;
  floor)      exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.WorkFloorBench "$@" ;;
  result)     exec java $jul ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.conveyor.bench.ResultBench "$@" ;;
  *) echo "usage: bench/run.sh submission|pipeline|inflight|scale|lag|ratio|chaos|fuzz|floor|result [args]" >&2; exit 2 ;;
esac
