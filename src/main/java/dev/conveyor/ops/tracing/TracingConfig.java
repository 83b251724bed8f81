package dev.conveyor.ops.tracing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether the service makes traces, prefix {@code conveyor.tracing}. */
@ConfigMapping(prefix = "conveyor.tracing")
public interface TracingConfig {

    /**
     * One trace per job ({@link JobTraces}). Off by default: a span per record per stage and per
     * guarded call cost ~15 % of the service's CPU per job (docs/benchmarks.md, <em>Spans that go
     * nowhere</em>), and a build without an exporter (the default: Quarkus's OTLP exporter is a
     * build-time switch) sends them nowhere. Turn it on with a build that exports.
     */
    @WithDefault("false")
    boolean enabled();
}
