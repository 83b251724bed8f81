package dev.conveyor.compute.aws;

import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import static dev.conveyor.compute.aws.AwsBatchComputeBackend.awsId;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.clip;
import static dev.conveyor.compute.aws.AwsBatchComputeBackend.topId;

/**
 * The observation path of {@link AwsBatchComputeBackend}: owns what this instance last saw of AWS
 * jobs — the last status per AWS job id (cancel vs terminate), each array's status summary and its
 * children's observations, the CloudWatch log tails already fetched — and the batched DescribeJobs
 * (100 ids per call) that feed them.
 */
final class BatchObserver {
    /** Logs under the backend's category, as before the split. */
    private static final Logger LOG = Logger.getLogger(AwsBatchComputeBackend.class);
    private static final int DESCRIBE_MAX = 100;
    private static final Pattern URL = Pattern.compile("https?://\\S+");

    private final AwsAccounts accounts;
    private final AwsBatchSettings settings;
    /** Last status seen per AWS job id (cancel vs terminate). */
    private final Map<String, JobStatus> lastStatus = new ConcurrentHashMap<>();
    /** Per array parent: the status summary last seen and its children's observations. */
    private final Map<String, ArrayView> arraysSeen = new ConcurrentHashMap<>();
    /** Ended attempts already looked at in CloudWatch (so each is fetched once). */
    private final Map<String, String> logTails = new ConcurrentHashMap<>();

    /** Whether a waiting job can ever start on its queue. */
    private final QueueCapacity capacity;
    /** How often the children of an array that all wait are listed again, for AWS's word on why. */
    static final Duration RELIST_WAITING = Duration.ofSeconds(60);
    private final Clock clock;

    BatchObserver(AwsAccounts accounts, AwsBatchSettings settings, Clock clock) {
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
        this.capacity = new QueueCapacity(clock);
    }

    Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
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
                LOG.warnf("%d handle(s) of account %s: its job's own keys are not loaded on this instance yet",
                        hs.size(), key);
                hs.forEach(h -> out.put(h, TaskObservation.queued("waiting for this job's AWS credentials")));
                return;
            }
            describeAccount(key, api.get(), hs, out);
        });
        return out;
    }

    private void describeAccount(String account, BatchApi api, List<TaskHandle> handles,
                                 Map<TaskHandle, TaskObservation> out) {
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
        Map<String, Optional<String>> neverStarts = new java.util.HashMap<>(); // per AWS job (an array's children share it)
        for (TaskHandle h : handles) {
            String id = awsId(h);
            String parent = topId(id);
            JobDetail d = details.get(parent);
            TaskObservation o;
            if (d == null) {
                o = TaskObservation.lost("AWS Batch no longer knows job " + parent);
            } else if (!parent.equals(id)) {
                ArrayView v = arraysSeen.get(parent);
                TaskObservation child = v == null ? null : v.children.get(id);
                o = child != null ? child : TaskObservation.queued();
            } else {
                remember(id, d.status());
                o = observe(api, d);
            }
            // a single job's own status; an array child's as its listing said (the parent stays PENDING meanwhile)
            JobStatus waiting = d == null ? null : parent.equals(id) ? d.status() : lastStatus.get(id);
            if (o.phase() == TaskObservation.Phase.QUEUED && waiting == JobStatus.RUNNABLE) {
                String said = o.reason();
                Optional<String> why = neverStarts.computeIfAbsent(parent, k -> capacity.neverStarts(account, api, d))
                        .or(() -> Observations.blocked(said)); // ours names the numbers; else AWS's own word
                if (why.isPresent()) { // no attempt would start either: not retried
                    o = TaskObservation.ended(null, why.get(), null, null).withTerminal();
                } else if (said == null) { // AWS said nothing: what the queue's environments say it waits for, if anything
                    o = TaskObservation.queued(capacity.waitingFor(account, api, d));
                }
            }
            out.put(h, o);
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

    /**
     * Lists an array's children when its status summary moved since the last look — or, while they all wait (RUNNABLE,
     * none starting or running), at most every {@link #RELIST_WAITING}: AWS says why a child blocks its queue in its
     * {@code statusReason}, which moves no summary.
     */
    private void refreshArray(BatchApi api, JobDetail parent, List<String> newlyEnded) {
        Map<String, Integer> counts = parent.arrayProperties().statusSummary();
        String summary = String.valueOf(counts);
        ArrayView v = arraysSeen.computeIfAbsent(parent.jobId(), k -> new ArrayView());
        v.size = parent.arrayProperties().size();
        Instant now = clock.instant();
        boolean waiting = counts != null && counts.getOrDefault("RUNNABLE", 0) > 0
                && counts.getOrDefault("STARTING", 0) + counts.getOrDefault("RUNNING", 0) == 0;
        if (summary.equals(v.summary) && !(waiting && !now.isBefore(v.listedAt.plus(RELIST_WAITING)))) {
            return;
        }
        v.listedAt = now;
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

    /** DescribeJobs for {@code ids}, 100 per call, by AWS job id. */
    static Map<String, JobDetail> describeAll(BatchApi api, List<String> ids) {
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

    /** The status last seen of an AWS job still active, or null. */
    JobStatus lastStatus(String awsId) {
        return lastStatus.get(awsId);
    }

    /** Whether {@code count} children are the whole of array {@code parent}, as last seen. */
    boolean wholeArray(String parent, int count) {
        ArrayView array = arraysSeen.get(parent);
        return array != null && array.size == count;
    }

    /** Drops the observations of arrays whose every child ended: they are not needed any more. */
    void forgetEndedArrays() {
        arraysSeen.entrySet().removeIf(e -> e.getValue().children.values().stream().allMatch(
                o -> o.phase() == TaskObservation.Phase.ENDED));
    }

    /** What an array job looked like at the last look. */
    private static final class ArrayView {
        volatile String summary;
        volatile int size;
        volatile Instant listedAt = Instant.MIN;
        final Map<String, TaskObservation> children = new ConcurrentHashMap<>();
        final Set<String> detailed = ConcurrentHashMap.newKeySet();
    }
}
