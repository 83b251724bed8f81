package dev.conveyor.bench;

import java.util.Map;

/**
 * Diagnostic ({@code -Dbench.cpu-series=true}): once a second during the rate phase, the CPU the
 * service and this process (broker, load generator) used, by thread name (from /proc).
 */
final class CpuSeries {
    private CpuSeries() {
    }

    static Thread start(ProcessHandle service) {
        Thread t = new Thread(() -> run(service.pid()), "cpu-series");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void run(long service) {
        long self = ProcessHandle.current().pid();
        Map<String, Long> lastService = RatioBench.Threads.ticks(service);
        Map<String, Long> lastSelf = RatioBench.Threads.ticks(self);
        int second = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000); // pacing a once-a-second sample, not waiting for a condition
            } catch (InterruptedException e) {
                return;
            }
            Map<String, Long> s = RatioBench.Threads.ticks(service);
            Map<String, Long> b = RatioBench.Threads.ticks(self);
            System.out.printf("  [cpu %2d s] service %s | bench+broker %s%n", ++second, top(lastService, s), top(lastSelf, b));
            lastService = s;
            lastSelf = b;
        }
    }

    private static String top(Map<String, Long> before, Map<String, Long> after) {
        long total = after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
        StringBuilder out = new StringBuilder(String.format("%4d ms:", total * 10));
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> out.append(' ').append(e.getKey()).append('=').append(e.getValue() * 10));
        return out.toString();
    }
}
