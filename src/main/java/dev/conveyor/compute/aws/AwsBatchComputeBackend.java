package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.Rechecked;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
 * Submitting is {@link BatchSubmitter}'s, describing {@link BatchObserver}'s; this class resolves the
 * account and queue, stops, releases and sweeps.
 */
public final class AwsBatchComputeBackend implements ComputeBackend, AutoCloseable {
    public static final String TYPE = "aws-batch";
    private static final Logger LOG = Logger.getLogger(AwsBatchComputeBackend.class);
    static final String TAG_JOB = "conveyor:job";
    static final String TAG_TASK = "conveyor:task";
    static final String TAG_ATTEMPT = "conveyor:attempt";
    static final String TAG_ARRAY = "conveyor:array";

    private final AwsAccounts accounts;
    private final AwsBatchSettings settings;
    private final JobDefinitions definitions;
    private final BatchSubmitter submitter;
    private final BatchObserver observer;
    private final Clock clock;
    /** Queues in use per account key (for the reaper and the definition sweep). */
    private final Map<String, Set<String>> queues = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.EPOCH);
    /** How long a queue found usable stands before it is asked again. */
    static final Duration QUEUE_RECHECK = Duration.ofSeconds(30);
    /** The usable queues by account and queue (a missing or unusable one is not kept). */
    private final Rechecked<JobQueueDetail> usableQueues;

    public AwsBatchComputeBackend(Profiles profiles, ObjectStore store, AwsBatchSettings settings, Clock clock) {
        this.accounts = new AwsAccounts(profiles);
        this.settings = settings;
        this.definitions = new JobDefinitions(clock);
        this.submitter = new BatchSubmitter(accounts, new ArrayScripts(store), settings, definitions);
        this.observer = new BatchObserver(accounts, settings, clock);
        this.clock = clock;
        this.usableQueues = new Rechecked<>(QUEUE_RECHECK, clock);
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
        return new Capabilities(true, false, 10_000, 100, true, false);
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
        if (fargate(accounts, job) && accounts.option(job, "execution_role_arn", "executionRoleArn") == null) {
            throw new TerminalComputeException("NoExecutionRole", "platform fargate needs runsOn.with.execution_role_arn: "
                    + "the ECS task execution role with which Fargate pulls the image and writes the logs", null);
        }
        JobQueueDetail q = usableQueue(key, api, queue);
        queues.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(q.jobQueueArn());
        return Map.of("jobQueue", q.jobQueueArn(), "account", key);
    }

    /**
     * Whether the job's tasks go to Fargate compute environments ({@code runsOn.with.platform: fargate}) rather than EC2
     * (the default); any other value is refused.
     */
    static boolean fargate(AwsAccounts accounts, BackendJob job) {
        String p = accounts.option(job, "platform");
        if (p == null || p.equalsIgnoreCase("ec2")) {
            return false;
        }
        if (p.equalsIgnoreCase("fargate")) {
            return true;
        }
        throw new TerminalComputeException("UnknownPlatform", "runsOn.with.platform must be ec2 or fargate, was '" + p + "'",
                null);
    }

    /**
     * The queue, checked to exist and take jobs: asked of AWS once per {@link #QUEUE_RECHECK} per account and queue
     * (one DescribeJobQueues for a burst of jobs, not one per job — AWS throttles its control plane); a queue that is
     * missing or not usable is asked again for every job, so the job fails at once with AWS's reason.
     */
    private JobQueueDetail usableQueue(String key, BatchApi api, String queue) {
        return usableQueues.get(key + "|" + queue, () -> {
            JobQueueDetail q = api.queue(queue).orElseThrow(() -> new TerminalComputeException("JobQueueNotFound",
                    "AWS Batch job queue '" + queue + "' does not exist (runsOn.with.job_queue_arn)", null));
            if (!"ENABLED".equals(q.stateAsString()) || "INVALID".equals(q.statusAsString())) {
                throw new TerminalComputeException("JobQueueNotUsable", "AWS Batch job queue '" + queue + "' is "
                        + q.stateAsString() + "/" + q.statusAsString()
                        + (q.statusReason() == null ? "" : ": " + q.statusReason()), null);
            }
            return q;
        });
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
        return submitter.submit(job, key, api, queue, launches);
    }

    @Override
    public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
        String key = accounts.keyFor(job);
        BatchApi api = accounts.api(job);
        String queue = queue(job);
        return submitter.recover(job, key, api, queue, launches);
    }

    @Override
    public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
        return observer.describe(handles);
    }

    @Override
    public void terminate(BackendJob job, List<TaskHandle> handles, String reason) {
        BatchApi fallback = accounts.api(job);
        Map<String, List<TaskHandle>> byTop = new LinkedHashMap<>();
        handles.forEach(h -> byTop.computeIfAbsent(topId(awsId(h)), k -> new ArrayList<>()).add(h));
        byTop.forEach((top, hs) -> {
            String ref = hs.get(0).ref();
            BatchApi api = accounts.api(ref.substring(0, Math.max(0, ref.indexOf('/')))).orElse(fallback);
            boolean wholeArray = !awsId(hs.get(0)).equals(top) && observer.wholeArray(top, hs.size());
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
            JobStatus s = observer.lastStatus(id);
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
        observer.forgetEndedArrays();
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
        BatchObserver.describeAll(api, candidates).forEach((id, d) -> {
            if (jobId.equals(d.tags().get(TAG_JOB))) {
                ours.add(id);
            }
        });
        return ours;
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
                BatchObserver.describeAll(api, ids).values().forEach(d -> {
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
        return submitter.rate();
    }

    @Override
    public void close() {
        accounts.close();
    }

    /** The AWS job id of a handle ({@code <parent id>:<index>} for an array child). */
    static String awsId(TaskHandle h) {
        return h.ref().substring(h.ref().indexOf('/') + 1);
    }

    /** The top-level AWS job id (an array child's parent). */
    static String topId(String awsId) {
        int colon = awsId.indexOf(':');
        return colon < 0 ? awsId : awsId.substring(0, colon);
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
