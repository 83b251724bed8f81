package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.Problem;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.RequestValidator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time of the submission work for one large manifest: read (bytes → tree), validate (schema +
 * semantics), normalise. Run by {@code bench/run.sh submission}; not a test.
 */
public final class SubmissionBench {

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        byte[] request = manifest(tasks);
        RequestReader reader = new RequestReader();
        RequestValidator validator = new RequestValidator(new JsonSchemas(), 100_000);
        JobNormalizer normalizer = new JobNormalizer();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

        long[] nanos = new long[rounds];
        for (int warm = 0; warm < 5; warm++) {
            once(reader, validator, normalizer, request);
        }
        for (int i = 0; i < rounds; i++) {
            long start = cpu.getCurrentThreadCpuTime();
            once(reader, validator, normalizer, request);
            nanos[i] = cpu.getCurrentThreadCpuTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("submission of a %d-task request (%d KiB): CPU median %.1f ms, min %.1f ms, max %.1f ms over %d rounds%n",
                tasks, request.length / 1024, nanos[rounds / 2] / 1e6, nanos[0] / 1e6, nanos[rounds - 1] / 1e6, rounds);
    }

    private static void once(RequestReader reader, RequestValidator validator, JobNormalizer normalizer, byte[] request)
            throws Exception {
        JsonNode tree = reader.read(request);
        List<Problem> problems = validator.validate(tree, Set.of("local", "noop"));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the benchmark request is invalid: " + problems.subList(0, 1));
        }
        JobSpec spec = normalizer.normalize(tree, Instant.now(), () -> "bench");
        if (spec.tasks().size() < 1) {
            throw new IllegalStateException("no tasks");
        }
    }

    /** A fan-out/fan-in manifest: task 0, then tasks each needing the previous hundred-block head. */
    static byte[] manifest(int tasks) {
        List<Map<String, Object>> list = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", "t" + i);
            t.put("command", "echo task " + i + " > out.txt");
            t.put("env", Map.of("INDEX", String.valueOf(i)));
            t.put("outputs", List.of("out.txt"));
            if (i > 0) {
                t.put("needs", List.of("t" + (i - 1) / 100 * 100));
            }
            t.put("retries", 1);
            t.put("timeout", "10m");
            list.add(t);
        }
        return Json.bytes(Map.of("id", "bench", "runsOn", Map.of("type", "noop"), "tasks", list));
    }
}
