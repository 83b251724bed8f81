#!/bin/sh
# Runs the conveyor command given as arguments (default: serve) with the JVM flags in JAVA_OPTS.
exec java $JAVA_OPTS -jar /opt/conveyor/quarkus-run.jar "$@"
