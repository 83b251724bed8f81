package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.JobTimeout;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * AWS Batch ({@code runsOn.type: aws-batch}). Thin, like every backend: the engine decides what
 * runs; this submits, describes, stops and cleans up, with AWS's limits in mind —
 * <ul>
 * <li>one SubmitJob per attempt, or one array job for the matrix cells the engine hands over together;
 *     paced client-side ({@link SubmitThrottle}: 50 TPS, halved on TooManyRequestsException);</li>
 * <li>AWS jobs named after the attempt's submission id and tagged with the Conveyor job, task and
 *     attempt, so {@link #recover} finds a submission made just before a crash instead of submitting twice;</li>
 * <li>job definitions by content hash ({@link JobDefinitions}), never one per run;</li>
 * <li>one DescribeJobs per 100 handles across every watched job; an array job is described as one,
 *     its children listed only when its status summary changed;</li>
 * <li>CloudWatch GetLogEvents only when the wrapper never ran (it uploads the logs itself otherwise).</li>
 * </ul>
 * Handles are {@code <account key>/<AWS job id>} ({@code <parent id>:<index>} for array children).
 */
public final class AwsBatchComputeBackend implements ComputeBackend, AutoCloseable {
    public static final String TYPE = "aws-batch";
    private static final Logger LOG = Logger.getLogger(AwsBatchComputeBackend.class);
    static final String TAG_JOB = "conveyor:job";
    static final String TAG_TASK = "conveyor:task";
    static final String TAG_ATTEMPT = "conveyor:attempt";
    static final String TAG_ARRAY = "conveyor:array";
    private static final int DESCRIBE_MAX = 100;
    private static final int SUBMIT_TRIES = 30;
    private static final Pattern URL = Pattern.compile("https?://\\S+");
    private static final Pattern TAG_CHARS = Pattern.compile("[^\\p{L}\\p{N} _.:/=+\\-@]");

    private final AwsAccounts accounts;
    private final ArrayScripts arrays;
    private final AwsBatchSettings settings;
    private final SubmitThrottle throttle;
    private final JobDefinitions definitions;
    private final Clock clock;
    /** Last status seen per AWS job id (cancel vs terminate). */
    private final Map<String, JobStatus> lastStatus = new ConcurrentHashMap<>();
    /** Per array parent: the status summary last seen and its children's observations. */
    private final Map<String, ArrayView> arraysSeen = new ConcurrentHashMap<>();
    /** Ended attempts already looked at in CloudWatch (so each is fetched once). */
    private final Map<String, String> logTails = new ConcurrentHashMap<>();
    /** Queues in use per account key (for the reaper and the definition sweep). */
    private final Map<String, Set<String>> queues = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.EPOCH);

    public AwsBatchComputeBackend(Profiles profiles, ObjectStore store, AwsBatchSettings settings, Clock clock) {
        this.accounts = new AwsAccounts(profiles);
        this.arrays = new ArrayScripts(store);
        this.settings = settings;
        this.throttle = new SubmitThrottle(settings.submitRate());
        this.definitions = new JobDefinitions(clock);
        this.clock = clock;
        lastSweep.set(clock.instant());
    }

    /** Whether any profile is set up for AWS Batch (an AWS account with a Batch endpoint or a default job queue). */
    public static boolean configured(Profiles profiles) {
        return AwsAccounts.anyForBatch(profiles);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, 10_000, 100, true);
    }

    @Override
    public Map<String, String> ensureEnvironment(BackendJob job) {
        String key = accounts.keyFor(job);
        BatchApi api = accounts.api(job);
        String queue = accounts.option(job, "job_queue_arn", "jobQueue", "job_queue");
        if (queue == null) {
            throw new TerminalComputeException("NoJobQueue", "no AWS Batch job queue: set runsOn.with.job_queue_arn"
                    + " (or the profile's default conveyor.profiles.<name>.defaults.job_queue_arn)", null);
        }
        JobQueueDetail q = api.queue(queue).orElseThrow(() -> new TerminalComputeException("JobQueueNotFound",
                "AWS Batch job queue '" + queue + "' does not exist (runsOn.with.job_queue_arn)", null));
        if (!"ENABLED".equals(q.stateAsString()) || "INVALID".equals(q.statusAsString())) {
            throw new TerminalComputeException("JobQueueNotUsable", "AWS Batch job queue '" + queue + "' is "
                    + q.stateAsString() + "/" + q.statusAsString()
                    + (q.statusReason() == null ? "" : ": " + q.statusReason()), null);
        }
        queues.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(q.jobQueueArn());
        return Map.of("jobQueue", q.jobQueueArn(), "account", key);
    }

    private String queue(BackendJob job) {
        String q = job.environment().get("jobQueue");
        return q != null ? q : ensureEnvironment(job).get("jobQueue");
    }

    @Override
    public List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches) {
        String key = accounts.keyFor(job);
        BatchApi api = accounts.api(job);
        String queue = queue(job);
        List<TaskHandle> out = new ArrayList<>(launches.size());
        int i = 0;
        while (i < launches.size()) {
            TaskLaunch first = launches.get(i);
            int end = i + 1;
            while (first.arrayGroup() != null && end < launches.size() && first.arrayGroup().equals(launches.get(end).arrayGroup())) {
                end++;
            }
            List<TaskLaunch> group = launches.subList(i, end);
            if (group.size() >= 2) {
                String name = TaskLaunch.safeId(job.jobId() + "-" + first.arrayGroup(), 128);
                String command = arrays.prepare(job.jobId(), name, group, expiry(job));
                String parent = submitOne(api, queue, request(job, key, api, queue, first, name, command)
                        .arrayProperties(ArrayProperties.builder().size(group.size()).build())
                        .tags(tags(job, Map.of(TAG_ARRAY, first.arrayGroup()))).build());
                for (int k = 0; k < group.size(); k++) {
                    TaskLaunch l = group.get(k);
                    out.add(new TaskHandle(TYPE, job.jobId(), l.taskId(), l.attempt(), key + "/" + parent + ":" + k));
                }
            } else {
                String name = TaskLaunch.safeId(first.submissionId(), 128);
                String id = submitOne(api, queue, request(job, key, api, queue, first, name, first.command())
                        .tags(tags(job, Map.of(TAG_TASK, first.taskId(), TAG_ATTEMPT, Integer.toString(first.attempt()))))
                        .build());
                out.add(new TaskHandle(TYPE, job.jobId(), first.taskId(), first.attempt(), key + "/" + id));
            }
            i = end;
        }
        return out;
    }

    private SubmitJobRequest.Builder request(BackendJob job, String key, BatchApi api, String queue, TaskLaunch l,
                                             String name, String command) {
        String image = l.image() != null && !l.image().isBlank() ? l.image()
                : Optional.ofNullable(accounts.option(job, "image")).orElse(settings.defaultImage());
        String definition = definitions.arnFor(key, api, JobDefinitions.Content.of(image, l.resources(),
                accounts.option(job, "job_role_arn", "jobRoleArn"),
                accounts.option(job, "execution_role_arn", "executionRoleArn")));
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

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * One SubmitJob, paced. Throttled: the pace halves and the call waits its turn again. Failed
     * otherwise (5xx, connection): the job may have been created all the same, so it is looked up by
     * its name before trying again.
     */
    private String submitOne(BatchApi api, String queue, SubmitJobRequest request) {
        try {
            return submitPaced(api, queue, request);
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

    private String submitPaced(BatchApi api, String queue, SubmitJobRequest request) {
        TransientComputeException last = null;
        for (int attempt = 0; attempt < SUBMIT_TRIES; attempt++) {
            throttle.acquire();
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

    @Override
    public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
        String key = accounts.keyFor(job);
        BatchApi api = accounts.api(job);
        String queue = queue(job);
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

    @Override
    public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
        Map<TaskHandle, TaskObservation> out = new LinkedHashMap<>();
        Map<String, List<TaskHandle>> byAccount = new LinkedHashMap<>();
        for (TaskHandle h : handles) {
            int slash = h.ref().indexOf('/');
            if (slash < 0) {
                out.put(h, TaskObservation.lost("not an aws-batch handle: " + h.ref()));
                continue;
            }
            byAccount.computeIfAbsent(h.ref().substring(0, slash), k -> new ArrayList<>()).add(h);
        }
        byAccount.forEach((key, hs) -> {
            Optional<BatchApi> api = accounts.api(key);
            if (api.isEmpty()) {
                LOG.warnf("%d handle(s) of account %s: its job's own keys are not loaded on this instance yet", hs.size(), key);
                hs.forEach(h -> out.put(h, new TaskObservation(TaskObservation.Phase.QUEUED, null,
                        "waiting for this job's AWS credentials", null, null, false, false, null)));
                return;
            }
            describeAccount(api.get(), hs, out);
        });
        return out;
    }

    private void describeAccount(BatchApi api, List<TaskHandle> handles, Map<TaskHandle, TaskObservation> out) {
        Set<String> top = new LinkedHashSet<>();
        for (TaskHandle h : handles) {
            top.add(topId(awsId(h)));
        }
        Map<String, JobDetail> details = describeAll(api, new ArrayList<>(top));
        List<String> newlyEndedChildren = new ArrayList<>();
        for (String id : top) {
            JobDetail d = details.get(id);
            if (d != null && d.arrayProperties() != null && d.arrayProperties().size() != null) {
                refreshArray(api, d, newlyEndedChildren);
            }
        }
        Map<String, JobDetail> childDetails = describeAll(api, newlyEndedChildren);
        childDetails.forEach((childId, d) -> {
            ArrayView v = arraysSeen.get(topId(childId));
            if (v != null) {
                v.children.put(childId, observe(api, d));
                v.detailed.add(childId);
            }
        });
        for (TaskHandle h : handles) {
            String id = awsId(h);
            String parent = topId(id);
            JobDetail d = details.get(parent);
            if (d == null) {
                out.put(h, TaskObservation.lost("AWS Batch no longer knows job " + parent));
            } else if (!parent.equals(id)) {
                ArrayView v = arraysSeen.get(parent);
                TaskObservation o = v == null ? null : v.children.get(id);
                out.put(h, o != null ? o : TaskObservation.queued());
            } else {
                remember(id, d.status());
                out.put(h, observe(api, d));
            }
        }
    }

    /** The status of a job that may still be stopped; ended ones are forgotten (the map stays small). */
    private void remember(String id, JobStatus status) {
        if (Observations.active(status)) {
            lastStatus.put(id, status);
        } else {
            lastStatus.remove(id);
        }
    }

    /** Lists an array's children when its status summary moved since the last look. */
    private void refreshArray(BatchApi api, JobDetail parent, List<String> newlyEnded) {
        String summary = String.valueOf(parent.arrayProperties().statusSummary());
        ArrayView v = arraysSeen.computeIfAbsent(parent.jobId(), k -> new ArrayView());
        v.size = parent.arrayProperties().size();
        if (summary.equals(v.summary)) {
            return;
        }
        for (JobSummary c : api.children(parent.jobId(), parent.jobName())) {
            remember(c.jobId(), c.status());
            if (v.detailed.contains(c.jobId())) {
                continue;
            }
            TaskObservation o = Observations.of(c);
            v.children.put(c.jobId(), o);
            if (o.phase() == TaskObservation.Phase.ENDED) {
                newlyEnded.add(c.jobId());
            }
        }
        v.summary = summary;
    }

    private Map<String, JobDetail> describeAll(BatchApi api, List<String> ids) {
        Map<String, JobDetail> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i += DESCRIBE_MAX) {
            for (JobDetail d : api.describe(ids.subList(i, Math.min(ids.size(), i + DESCRIBE_MAX)))) {
                out.put(d.jobId(), d);
            }
        }
        return out;
    }

    /** The detail as an observation; when the wrapper never ran, the CloudWatch log's tail joins the reason (once). */
    private TaskObservation observe(BatchApi api, JobDetail d) {
        TaskObservation o = Observations.of(d, settings.logGroup());
        String stream = d.container() == null ? null : d.container().logStreamName();
        Integer exit = d.container() == null ? null : d.container().exitCode();
        String containerReason = d.container() == null ? null : d.container().reason();
        if (d.status() != JobStatus.FAILED || stream == null || settings.logLines() == 0
                || !Observations.wrapperNeverRan(exit, containerReason)) {
            return o;
        }
        String tail = logTails.computeIfAbsent(d.jobId(), id -> {
            try {
                List<String> lines = api.logTail(settings.logGroup(), stream, settings.logLines());
                return URL.matcher(String.join("\n", lines)).replaceAll("<url>").strip();
            } catch (RuntimeException e) {
                return "";
            }
        });
        if (tail.isEmpty()) {
            return o;
        }
        String reason = (o.reason() == null ? "" : o.reason() + "; ") + "log (" + stream + "): " + clip(tail, 2000);
        return o.withReason(reason);
    }

    @Override
    public void terminate(BackendJob job, List<TaskHandle> handles, String reason) {
        BatchApi fallback = accounts.api(job);
        Map<String, List<TaskHandle>> byTop = new LinkedHashMap<>();
        handles.forEach(h -> byTop.computeIfAbsent(topId(awsId(h)), k -> new ArrayList<>()).add(h));
        byTop.forEach((top, hs) -> {
            String ref = hs.get(0).ref();
            BatchApi api = accounts.api(ref.substring(0, Math.max(0, ref.indexOf('/')))).orElse(fallback);
            ArrayView array = arraysSeen.get(top);
            boolean wholeArray = !awsId(hs.get(0)).equals(top) && array != null && array.size == hs.size();
            if (wholeArray) {
                stop(api, top, reason); // one call stops every child (AWS cancels or terminates them with their parent)
            } else {
                hs.forEach(h -> stop(api, awsId(h), reason));
            }
        });
    }

    /** CancelJob while it waits, TerminateJob once it may be starting or running; gone already is fine. */
    private void stop(BatchApi api, String id, String reason) {
        String why = clip(reason == null ? "stopped by Conveyor" : reason, 1000);
        try {
            JobStatus s = lastStatus.get(id);
            if (s != null && (s == JobStatus.SUBMITTED || s == JobStatus.PENDING)) {
                api.cancel(id, why);
            } else {
                api.terminate(id, why);
            }
        } catch (TerminalComputeException e) {
            LOG.debugf("stopping AWS job %s: %s", id, e.getMessage());
        }
    }

    @Override
    public void release(BackendJob job) {
        String key = accounts.keyFor(job);
        BatchApi api = accounts.api(job);
        String queue = job.environment().get("jobQueue");
        if (queue == null) {
            queue = accounts.option(job, "job_queue_arn", "jobQueue", "job_queue");
        }
        if (queue != null) {
            for (String id : activeJobsOf(api, queue, job.jobId())) {
                stop(api, id, "Conveyor job " + job.jobId() + " released");
            }
        }
        forgetEndedArrays();
        if (Duration.between(lastSweep.get(), clock.instant()).compareTo(settings.sweepEvery()) >= 0) {
            lastSweep.set(clock.instant());
            try {
                sweepDefinitions(key);
            } catch (RuntimeException e) {
                LOG.warnf("sweeping unused job definitions failed (next time): %s", e.getMessage());
            }
        }
    }

    /** AWS jobs (top level) of a Conveyor job still queued or running: found by name prefix, confirmed by tag. */
    private List<String> activeJobsOf(BatchApi api, String queue, String jobId) {
        List<String> candidates = new ArrayList<>();
        for (JobSummary s : api.jobsNamed(queue, TaskLaunch.safeId(jobId, 100) + "-*")) {
            if (Observations.active(s.status())) {
                candidates.add(s.jobId());
            }
        }
        List<String> ours = new ArrayList<>();
        describeAll(api, candidates).forEach((id, d) -> {
            if (jobId.equals(d.tags().get(TAG_JOB))) {
                ours.add(id);
            }
        });
        return ours;
    }

    private void forgetEndedArrays() {
        // observations of arrays whose every child ended are not needed any more
        arraysSeen.entrySet().removeIf(e -> e.getValue().children.values().stream().allMatch(
                o -> o.phase() == TaskObservation.Phase.ENDED));
    }

    /** Deregisters Conveyor's job definitions unused for the TTL, in one account; returns their ARNs. */
    public List<String> sweepDefinitions(String accountKey) {
        BatchApi api = accounts.api(accountKey).orElseThrow();
        List<String> qs = new ArrayList<>(queues.getOrDefault(accountKey, Set.of()));
        accounts.defaultQueue(accountKey).ifPresent(q -> {
            if (qs.isEmpty()) {
                qs.add(q);
            }
        });
        return definitions.sweep(accountKey, api, qs, settings.definitionTtl());
    }

    @Override
    public Set<String> jobsHeld() {
        Set<String> held = new HashSet<>();
        accounts.all().forEach((key, api) -> {
            Set<String> qs = new LinkedHashSet<>(queues.getOrDefault(key, Set.of()));
            accounts.defaultQueue(key).ifPresent(qs::add);
            for (String q : qs) {
                List<String> ids = new ArrayList<>();
                for (JobStatus s : List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE,
                        JobStatus.STARTING, JobStatus.RUNNING)) {
                    api.jobsIn(q, s).forEach(j -> ids.add(j.jobId()));
                }
                describeAll(api, ids).values().forEach(d -> {
                    String job = d.tags().get(TAG_JOB);
                    if (job != null) {
                        held.add(job);
                    }
                });
            }
        });
        return held;
    }

    @Override
    public void check() {
        accounts.all().values().forEach(BatchApi::check);
    }

    /** The current SubmitJob pace (per second), for tests and metrics. */
    public double submitRate() {
        return throttle.rate();
    }

    @Override
    public void close() {
        accounts.close();
    }

    private static String awsId(TaskHandle h) {
        return h.ref().substring(h.ref().indexOf('/') + 1);
    }

    private static String topId(String awsId) {
        int colon = awsId.indexOf(':');
        return colon < 0 ? awsId : awsId.substring(0, colon);
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

    /** What an array job looked like at the last look. */
    private static final class ArrayView {
        volatile String summary;
        volatile int size;
        final Map<String, TaskObservation> children = new ConcurrentHashMap<>();
        final Set<String> detailed = ConcurrentHashMap.newKeySet();
    }
}
