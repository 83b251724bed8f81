package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static dev.conveyor.compute.aws.AwsBatchComputeBackend.TAG_ARRAY;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.TAG_ATTEMPT;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.TAG_JOB;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.TAG_TASK;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.TYPE;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.clip;

/**
 * The submission path of {@link AwsBatchComputeBackend}: owns the SubmitJob requests (job definition,
 * container overrides, timeout, tags), the client-side pace ({@link SubmitThrottle}), the retries of
 * one SubmitJob, and finding a submission again by its AWS job name ({@link #recover}).
 */
final class BatchSubmitter {
    private static final int SUBMIT_TRIES = 30;
    private static final Pattern TAG_CHARS = Pattern.compile("[^\\p{L}\\p{N} _.:/=+\\-@]");

    private final AwsAccounts accounts;
    private final ArrayScripts arrays;
    private final AwsBatchSettings settings;
    private final SubmitThrottle throttle;
    private final JobDefinitions definitions;

    BatchSubmitter(AwsAccounts accounts, ArrayScripts arrays, AwsBatchSettings settings, JobDefinitions definitions) {
        this.accounts = accounts;
        this.arrays = arrays;
        this.settings = settings;
        this.throttle = new SubmitThrottle(settings.submitRate());
        this.definitions = definitions;
    }

    /** One SubmitJob per launch, or one array job per run of launches sharing an array group; handles in order. */
    List<TaskHandle> submit(BackendJob job, String key, BatchApi api, String queue, List<TaskLaunch> launches) {
        List<TaskHandle> out = new ArrayList<>(launches.size());
        int i = 0;
        while (i < launches.size()) {
            TaskLaunch first = launches.get(i);
            int end = i + 1;
            while (first.arrayGroup() != null && end < launches.size() && first.arrayGroup().equals(launches.get(end).arrayGroup())) {
                end++;
            }
            List<TaskLaunch> group = launches.subList(i, end);
            if (!job.maySubmit()) { // the window closed before this one's turn: not sent
                group.forEach(l -> out.add(null));
            } else if (group.size() >= 2) {
                String name = TaskLaunch.safeId(job.jobId() + "-" + first.arrayGroup(), 128);
                String command = arrays.prepare(job.jobId(), name, group, expiry(job));
                String parent = submitOne(job, api, queue, request(job, key, api, queue, first, name, command)
                        .arrayProperties(ArrayProperties.builder().size(group.size()).build())
                        .tags(tags(job, Map.of(TAG_ARRAY, first.arrayGroup()))).build());
                for (int k = 0; k < group.size(); k++) {
                    TaskLaunch l = group.get(k);
                    out.add(parent == null ? null : new TaskHandle(TYPE, job.jobId(), l.taskId(), l.attempt(), key + "/" + parent + ":" + k));
                }
            } else {
                String name = TaskLaunch.safeId(first.submissionId(), 128);
                String id = submitOne(job, api, queue, request(job, key, api, queue, first, name, first.command())
                        .tags(tags(job, Map.of(TAG_TASK, first.taskId(), TAG_ATTEMPT, Integer.toString(first.attempt()))))
                        .build());
                out.add(id == null ? null : new TaskHandle(TYPE, job.jobId(), first.taskId(), first.attempt(), key + "/" + id));
            }
            i = end;
        }
        return out;
    }

    private SubmitJobRequest.Builder request(BackendJob job, String key, BatchApi api, String queue, TaskLaunch l,
                                             String name, String command) {
        String image = l.image() != null && !l.image().isBlank() ? l.image()
                : Optional.ofNullable(accounts.option(job, "image")).orElse(settings.defaultImage());
        String jobRole = accounts.option(job, "job_role_arn", "jobRoleArn");
        String executionRole = accounts.option(job, "execution_role_arn", "executionRoleArn");
        String definition = definitions.arnFor(key, api, AwsBatchComputeBackend.fargate(accounts, job)
                ? JobDefinitions.Content.fargate(image, l.resources(), jobRole, executionRole,
                        "true".equalsIgnoreCase(accounts.option(job, "assign_public_ip", "assignPublicIp")))
                : JobDefinitions.Content.of(image, l.resources(), jobRole, executionRole));
        List<KeyValuePair> env = new ArrayList<>();
        l.env().forEach((k, v) -> env.add(KeyValuePair.builder().name(k).value(v).build()));
        SubmitJobRequest.Builder b = SubmitJobRequest.builder().jobName(name).jobQueue(queue).jobDefinition(definition)
                .containerOverrides(ContainerOverrides.builder().command("sh", "-c", command).environment(env).build())
                .propagateTags(true);
        if (l.timeoutSeconds() > 0) {
            // AWS refuses less than 60 s: the engine stops a shorter attempt itself, at its own limit.
            b.timeout(JobTimeout.builder().attemptDurationSeconds((int) Math.min(Integer.MAX_VALUE, Math.max(60, l.timeoutSeconds()))).build());
        }
        return b;
    }

    /** The Conveyor job's tags (its labels too, for cost reports), plus {@code extra}. */
    private static Map<String, String> tags(BackendJob job, Map<String, String> extra) {
        Map<String, String> t = new LinkedHashMap<>();
        job.labels().forEach((k, v) -> {
            if (t.size() < 40 && !k.startsWith("aws:") && !k.startsWith("conveyor:")) {
                t.put(clip(TAG_CHARS.matcher(k).replaceAll("_"), 128), clip(TAG_CHARS.matcher(v).replaceAll("_"), 256));
            }
        });
        t.put(TAG_JOB, clip(job.jobId(), 256));
        t.putAll(extra);
        return t;
    }

    /**
     * One SubmitJob, paced. Throttled: the pace halves and the call waits its turn again. Failed
     * otherwise (5xx, connection): the job may have been created all the same, so it is looked up by
     * its name before trying again. Null when the job's submit window closed before a try could go
     * (and no earlier try is known to have made it): not sent.
     */
    private String submitOne(BackendJob job, BatchApi api, String queue, SubmitJobRequest request) {
        try {
            return submitPaced(job, api, queue, request);
        } catch (TerminalComputeException e) {
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("INACTIVE") && !(msg.contains("definition") && msg.contains("does not exist"))) {
                throw e;
            }
            // Deregistered meanwhile (by the TTL sweep of another instance): register it again, once.
            definitions.forget(request.jobDefinition());
            throw new TransientComputeException("job definition " + request.jobDefinition()
                    + " was deregistered meanwhile; it is registered again on the next try", e);
        }
    }

    private String submitPaced(BackendJob job, BatchApi api, String queue, SubmitJobRequest request) {
        TransientComputeException last = null;
        for (int attempt = 0; attempt < SUBMIT_TRIES; attempt++) {
            // its turn would come, or came, past the window: another instance may submit it now
            if (!throttle.acquire(job.submitBy()) || !job.maySubmit()) {
                return null;
            }
            try {
                String id = api.submit(request);
                throttle.succeeded();
                return id;
            } catch (TransientComputeException e) {
                last = e;
                if (e.throttled()) {
                    throttle.throttled();
                    continue;
                }
                Optional<String> made = newest(api.jobsNamed(queue, request.jobName()));
                if (made.isPresent()) {
                    return made.get();
                }
                sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
            }
        }
        throw last;
    }

    private static Optional<String> newest(List<JobSummary> jobs) {
        return jobs.stream().max((a, b) -> Long.compare(a.createdAt() == null ? 0 : a.createdAt(),
                b.createdAt() == null ? 0 : b.createdAt())).map(JobSummary::jobId);
    }

    /** The handles of launches already submitted (found by their AWS job name), by submission id. */
    Map<String, TaskHandle> recover(BackendJob job, String key, BatchApi api, String queue, List<TaskLaunch> launches) {
        Map<String, ArrayScripts.Cell> cells = arrays.cells(job.jobId());
        Map<String, Optional<String>> byName = new LinkedHashMap<>();
        Map<String, TaskHandle> found = new LinkedHashMap<>();
        for (TaskLaunch l : launches) {
            ArrayScripts.Cell cell = cells.get(l.submissionId());
            String name = cell != null ? cell.arrayName() : TaskLaunch.safeId(l.submissionId(), 128);
            Optional<String> id = byName.computeIfAbsent(name, n -> newest(api.jobsNamed(queue, n)));
            id.ifPresent(v -> found.put(l.submissionId(), new TaskHandle(TYPE, job.jobId(), l.taskId(), l.attempt(),
                    key + "/" + v + (cell != null ? ":" + cell.index() : ""))));
        }
        return found;
    }

    /** The current SubmitJob pace (per second). */
    double rate() {
        return throttle.rate();
    }

    private static Instant expiry(BackendJob job) {
        Instant now = Instant.now();
        Instant cap = now.plus(Duration.ofDays(7));
        Instant at = job.deadline() == null ? cap : job.deadline().plus(Duration.ofHours(1));
        return at.isAfter(cap) ? cap : at.isBefore(now.plus(Duration.ofHours(1))) ? now.plus(Duration.ofHours(1)) : at;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientComputeException("interrupted", e);
        }
    }
}
