package dev.conveyor.bench;

import dev.conveyor.cli.Emulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The chaos bench's {@code --store-outage=N} and {@code --api-outage=N}: the cloud emulation's object store (S3Proxy
 * or Azurite) stopped for N seconds around the middle of the run — every connection refused, to the stages and the
 * task side alike — then started again with its data; or the Batch emulator's API answering every call 503 for N
 * seconds (the tasks already running go on); and afterwards, what the workers held meanwhile.
 */
enum Outage {
    STORE("store", Emulation::stopStore, Emulation::startStore),
    API("Batch API", e -> e.apiOutage(true), e -> e.apiOutage(false));

    private final String what;
    private final java.util.function.Consumer<Emulation> down;
    private final java.util.function.Consumer<Emulation> up;

    Outage(String what, java.util.function.Consumer<Emulation> down, java.util.function.Consumer<Emulation> up) {
        this.what = what;
        this.down = down;
        this.up = up;
    }

    /** Starts the thread that takes this down at the middle of a {@code seconds}-long run from {@code t0}, and up again. */
    Thread start(List<Emulation> emulations, long t0, int seconds, int outage) {
        long from = t0 + (long) ((seconds - outage) / 2.0 * 1e9);
        Thread t = new Thread(() -> {
            ChaosBench.sleepUntil(from);
            emulations.forEach(down);
            System.out.printf("%s outage: down at %.0f s%n", what, (System.nanoTime() - t0) / 1e9);
            ChaosBench.sleepUntil(from + outage * 1_000_000_000L);
            emulations.forEach(up);
            System.out.printf("%s outage: up again at %.0f s%n", what, (System.nanoTime() - t0) / 1e9);
        }, "chaos-" + name().toLowerCase() + "-outage");
        t.start();
        return t;
    }

    /** The workers' "cannot be handled yet" lines (messaging.HeldRecords) in {@code root}'s worker logs, by stage. */
    static String heldByStage(Path root) throws IOException {
        Map<String, Long> byStage = new TreeMap<>();
        try (Stream<Path> logs = Files.list(root)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("worker-\\d+\\.log")).toList()) {
                try (Stream<String> lines = Files.lines(log)) {
                    lines.filter(l -> l.contains("HeldRecords") && l.contains("cannot be handled yet"))
                            .map(l -> l.replaceAll(".*HeldRecords\\] (\\w+):.*", "$1"))
                            .forEach(stage -> byStage.merge(stage, 1L, Long::sum));
                }
            }
        }
        return byStage.isEmpty() ? "0" : byStage.values().stream().mapToLong(Long::longValue).sum() + " (" + byStage.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
    }
}
