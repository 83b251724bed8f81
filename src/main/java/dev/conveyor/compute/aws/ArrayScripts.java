package dev.conveyor.compute.aws;

import dev.conveyor.compute.ShellQuote;
import dev.conveyor.compute.TaskFiles;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of one array job differ only in the command each runs (each fetches its own wrapper),
 * while AWS gives every child the same container and tells it {@code AWS_BATCH_JOB_ARRAY_INDEX}.
 * So the per-cell commands go to the store as one small {@code case} script the array's command
 * fetches and runs — SubmitJob stays far below its 30 KiB limit at 10,000 cells — and beside it a
 * manifest (submission id → index) written <em>before</em> the SubmitJob, by which {@code recover}
 * finds the cells of an array submitted just before a crash.
 */
final class ArrayScripts {
    private static final String DIR = "aws-arrays/";
    private final ObjectStore store;

    ArrayScripts(ObjectStore store) {
        this.store = store;
    }

    /** Stores the script and the manifest; returns the command every child runs. */
    String prepare(String jobId, String arrayName, List<TaskLaunch> cells, Instant expiry) {
        StringBuilder script = new StringBuilder("case \"$AWS_BATCH_JOB_ARRAY_INDEX\" in\n");
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            script.append(i).append(") exec sh -c ").append(ShellQuote.q(cells.get(i).command())).append(" ;;\n");
            manifest.append(cells.get(i).submissionId()).append(' ').append(i).append('\n');
        }
        script.append("*) echo \"conveyor: no cell $AWS_BATCH_JOB_ARRAY_INDEX in this array\" >&2; exit 98 ;;\nesac\n");
        String base = JobKeys.jobPrefix(jobId) + DIR + arrayName;
        try {
            store.put(base + ".cells", manifest.toString().getBytes(StandardCharsets.UTF_8));
            store.put(base + ".sh", script.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fetchAndRun(store.readUrl(base + ".sh", expiry));
    }

    /** Submission id → (array name, index), from the manifests of the job's arrays. */
    Map<String, Cell> cells(String jobId) {
        Map<String, Cell> out = new HashMap<>();
        try {
            for (StoredObject o : store.listAll(JobKeys.jobPrefix(jobId) + DIR)) {
                if (!o.key().endsWith(".cells")) {
                    continue;
                }
                String name = o.key().substring(o.key().lastIndexOf('/') + 1, o.key().length() - ".cells".length());
                String text = new String(store.read(o.key(), 1 << 22).orElse(new byte[0]), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    int sp = line.lastIndexOf(' ');
                    if (sp > 0) {
                        out.put(line.substring(0, sp), new Cell(name, Integer.parseInt(line.substring(sp + 1))));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    record Cell(String arrayName, int index) {
    }

    private static String fetchAndRun(SignedUrl url) {
        return TaskFiles.fetchThenRun(url, ".conveyor/array.sh", "array script");
    }
}
