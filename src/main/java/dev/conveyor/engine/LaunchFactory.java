package dev.conveyor.engine;

import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.Resources;
import dev.conveyor.compute.TaskFiles;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.OutputRef;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoredDocuments;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prepares one ready attempt: what the task receives (its environment with the upstream values,
 * its staged inputs and the output files of the tasks it needs), its generated wrapper stored under
 * the attempt's prefix, and the scoped URLs — read for exactly the objects it needs, write for
 * exactly the objects it returns — expiring at the job's deadline plus a margin, never later than
 * {@link EngineSettings#urlMaxValidity()} from now.
 */
final class LaunchFactory {
    private static final String WORK = "work/";
    private final ObjectStore store;
    private final EngineSettings settings;

    LaunchFactory(ObjectStore store, EngineSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    TaskLaunch build(JobSpec job, RunState s, String taskId, int attempt, Capabilities caps,
                     Map<String, Map<String, String>> valuesCache, Instant now, Map<String, byte[]> scripts) throws IOException {
        TaskSpec task = job.tasks().stream().filter(t -> t.id().equals(taskId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task " + taskId));
        String submissionId = job.id() + "-" + taskId + "-" + attempt;
        Resources resources = new Resources(task.resources().cpus(), task.resources().memoryMiB(), task.resources().gpus());
        if (!caps.runsWrapper()) {
            return new TaskLaunch(taskId, attempt, submissionId, task.command(), Map.of(), task.image(), resources,
                    task.timeoutSeconds(), null, 0, null);
        }
        Instant expiry = expiry(s, task, now);
        Map<String, Map<String, String>> upstream = upstreamValues(job, s, task, valuesCache);
        List<WrapperPlan.Fetch> fetches = new ArrayList<>();
        List<TaskFiles.InputFile> inputFiles = new ArrayList<>();
        List<TaskFiles.InputPrefix> inputPrefixes = new ArrayList<>();
        for (InputSpec in : task.inputs()) {
            String key = JobKeys.inputs(job.id(), taskId) + in.path();
            SignedUrl url = store.readUrl(key, expiry);
            fetches.add(new WrapperPlan.Fetch(WORK + in.path(), url));
            inputFiles.add(new TaskFiles.InputFile(WORK + in.path(), key, url));
        }
        for (String dep : task.needs()) {
            Attempt last = s.task(dep).lastAttempt();
            if (last == null || !last.reported()) {
                continue;
            }
            String prefix = JobKeys.attempt(job.id(), dep, last.attempt()) + "outputs/";
            if (caps.nativeFiles()) {
                PrefixGrant grant = store.prefixGrant(prefix, PrefixGrant.Access.READ, expiry).orElse(null);
                if (grant != null && isHttp(grant.containerUrl())) {
                    inputPrefixes.add(new TaskFiles.InputPrefix(WORK, prefix, grant));
                    continue;
                }
            }
            for (StoredObject o : store.listAll(prefix)) {
                String path = WORK + o.key().substring(prefix.length());
                SignedUrl url = store.readUrl(o.key(), expiry);
                fetches.add(new WrapperPlan.Fetch(path, url));
                inputFiles.add(new TaskFiles.InputFile(path, o.key(), url));
            }
        }
        String returnPrefix = JobKeys.attempt(job.id(), taskId, attempt);
        PrefixGrant returnGrant = caps.nativeFiles()
                ? store.prefixGrant(returnPrefix, PrefixGrant.Access.WRITE, expiry).orElse(null) : null;
        // Native transfer needs a grant the backend's nodes can use: an http(s) container URL (not a local folder).
        boolean nativeFiles = caps.nativeFiles() && returnGrant != null && isHttp(returnGrant.containerUrl());
        WrapperPlan plan = new WrapperPlan(job.id(), taskId, attempt, task.command(),
                TaskEnvironment.of(job, task, upstream), Json.write(upstream),
                nativeFiles ? List.of() : fetches, task.outputs(), nativeFiles ? null : returns(returnPrefix, expiry));
        String scriptKey = returnPrefix + "task.sh";
        scripts.put(scriptKey, TaskWrapper.render(plan).getBytes(StandardCharsets.UTF_8)); // the caller stores them, before it submits
        SignedUrl script = store.readUrl(scriptKey, expiry);
        TaskFiles files = new TaskFiles(script, inputFiles, inputPrefixes, returnPrefix, returnGrant);
        String command = nativeFiles ? Bootstrap.placed() : Bootstrap.command(script);
        return new TaskLaunch(taskId, attempt, submissionId, command, Map.of(), task.image(), resources,
                task.timeoutSeconds(), null, 0, files);
    }

    private static boolean isHttp(java.net.URI uri) {
        return "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
    }

    private WrapperPlan.Returns returns(String prefix, Instant expiry) {
        return new WrapperPlan.Returns(store.writeUrl(prefix + "stdout.txt", expiry),
                store.writeUrl(prefix + "stderr.txt", expiry), store.writeUrl(prefix + "values.env", expiry),
                store.writeUrl(prefix + "outputs.tar", expiry), store.writeUrl(prefix + "exitcode", expiry));
    }

    /** The job's deadline (or this attempt's own limit) plus the margin, at most the longest validity. */
    private Instant expiry(RunState s, TaskSpec task, Instant now) {
        Instant cap = now.plus(settings.urlMaxValidity());
        Instant until = s.deadline != null ? s.deadline
                : task.timeoutSeconds() > 0 ? now.plusSeconds(task.timeoutSeconds()) : cap;
        Instant withMargin = until.plus(settings.urlMargin());
        return withMargin.isAfter(cap) ? cap : withMargin.isBefore(now.plus(Duration.ofMinutes(5))) ? now.plus(Duration.ofMinutes(5)) : withMargin;
    }

    /** The values of every task this one reads from (its needs and the tasks its templates name). */
    private Map<String, Map<String, String>> upstreamValues(JobSpec job, RunState s, TaskSpec task,
                                                            Map<String, Map<String, String>> cache) throws IOException {
        Set<String> from = new LinkedHashSet<>(task.needs());
        task.outputRefs().stream().map(OutputRef::task).forEach(from::add);
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        for (String up : from) {
            Attempt last = s.task(up).lastAttempt();
            if (last == null || !last.reported()) {
                values.put(up, Map.of());
                continue;
            }
            String key = JobKeys.attempt(job.id(), up, last.attempt()) + "values.env";
            Map<String, String> v = cache.get(key);
            if (v == null) {
                v = StoredDocuments.values(store, key);
                cache.put(key, v);
            }
            values.put(up, v);
        }
        return values;
    }
}
