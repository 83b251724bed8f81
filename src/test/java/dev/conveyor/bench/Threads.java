package dev.conveyor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU and context switches by thread (name without its number), from /proc: where the service's time per job
 * goes, and how often its threads wait and wake for it (a switch costs the kernel's time, which no profile of the JVM
 * shows).
 */
final class Threads {
    private Threads() {
    }

    /** Per thread name: CPU ticks, voluntary switches (it waited), involuntary ones (it was preempted). */
    static Map<String, long[]> ticks(long pid) {
        Map<String, long[]> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-#]?\\d+$", "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long[] row = {Long.parseLong(f[11]) + Long.parseLong(f[12]), 0, 0};
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            row[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            row[2] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    out.merge(name, row, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
                } catch (Exception e) {
                    // the thread ended
                }
            });
        } catch (Exception e) {
            // no /proc
        }
        return out;
    }

    /** CPU ticks per thread name. */
    static Map<String, Long> cpu(long pid) {
        Map<String, Long> out = new TreeMap<>();
        ticks(pid).forEach((name, row) -> out.put(name, row[0]));
        return out;
    }

    static void print(Map<String, long[]> before, Map<String, long[]> after, int jobs) {
        long[] all = new long[3];
        after.entrySet().stream().map(e -> {
            long[] b = before.getOrDefault(e.getKey(), new long[3]);
            long[] a = e.getValue();
            return Map.entry(e.getKey(), new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]});
        }).filter(e -> e.getValue()[0] > 0 || e.getValue()[1] > 0)
                .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> {
                    long[] d = e.getValue();
                    for (int i = 0; i < 3; i++) {
                        all[i] += d[i];
                    }
                    row(e.getKey(), d, jobs);
                });
        row("all threads", all, jobs);
    }

    private static void row(String name, long[] d, int jobs) {
        System.out.printf("  %-20s %6.2f ms/job  %6.1f switches/job (%.1f waited, %.1f preempted)%n", name,
                d[0] * 10.0 / jobs, (d[1] + d[2]) / (double) jobs, d[1] / (double) jobs, d[2] / (double) jobs);
    }
}
