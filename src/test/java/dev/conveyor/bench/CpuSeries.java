package dev.conveyor.bench;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic ({@code -Dbench.cpu-series=true}): once a second through the rate phase and its warm-up,
 * the CPU the service and this process (broker, load generator) used, by thread name (from /proc).
 */
final class CpuSeries implements AutoCloseable {
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cpu-series");
        t.setDaemon(true);
        return t;
    });
    private final long service;
    private final long self = ProcessHandle.current().pid();
    private Map<String, Long> lastService;
    private Map<String, Long> lastSelf;
    private int second;

    private CpuSeries(long service) {
        this.service = service;
        this.lastService = Threads.cpu(service);
        this.lastSelf = Threads.cpu(self);
    }

    static CpuSeries start(ProcessHandle service) {
        CpuSeries series = new CpuSeries(service.pid());
        series.clock.scheduleAtFixedRate(series::sample, 1, 1, TimeUnit.SECONDS);
        return series;
    }

    private void sample() {
        Map<String, Long> s = Threads.cpu(service);
        Map<String, Long> b = Threads.cpu(self);
        System.out.printf("  [cpu %2d s] service %s | bench+broker %s%n", ++second, top(lastService, s), top(lastSelf, b));
        lastService = s;
        lastSelf = b;
    }

    private static String top(Map<String, Long> before, Map<String, Long> after) {
        long total = after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
        StringBuilder out = new StringBuilder(String.format("%4d ms:", total * 10));
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> out.append(' ').append(e.getKey()).append('=').append(e.getValue() * 10));
        return out.toString();
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
