package dev.conveyor.compute.aws;

import dev.conveyor.compute.Rechecked;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentOrder;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Whether a job waiting in a queue can ever start there — AWS Batch keeps a job RUNNABLE for ever, saying nothing, when
 * it asks for more vCPUs than any compute environment of its queue may have ({@code maxvCpus}), the best-known way for a
 * job to hang on Batch; and until an operator fixes them when every enabled environment of its queue is INVALID (its
 * service role or instance profile cannot be used, a subnet gone: Batch cannot scale it) with no instance left. Asked
 * only of waiting jobs; each queue's environments are looked up at most every {@link #RECHECK} (one DescribeJobQueues
 * and one DescribeComputeEnvironments). Unmanaged environments, and a lookup that is refused (no
 * {@code batch:DescribeComputeEnvironments}) or fails, answer "unknown": the job is left to wait.
 */
final class QueueCapacity {
    private static final Logger LOG = Logger.getLogger(AwsBatchComputeBackend.class);
    static final Duration RECHECK = Duration.ofSeconds(60);

    /**
     * What a queue's environments allow: the largest maxvCpus among the enabled managed ones (empty when unknown or
     * unlimited), why none of them can run anything (null when one can, or that is not known), and what its jobs wait
     * for that an operator may change (every environment DISABLED), or null.
     */
    private record Queue(OptionalInt maxVcpus, String broken, String waiting) {
        static final Queue UNKNOWN = new Queue(OptionalInt.empty(), null, null);
    }

    /** Each queue's environments, by account and queue. */
    private final Rechecked<Queue> queues;

    QueueCapacity(Clock clock) {
        this.queues = new Rechecked<>(RECHECK, clock);
    }

    /** Why the waiting job {@code d} can never start on its queue, or empty (it can, or that is not known). */
    Optional<String> neverStarts(String account, BatchApi api, JobDetail d) {
        if (d.jobQueue() == null) {
            return Optional.empty();
        }
        int needs = vcpus(d);
        Queue q = queue(account, api, d.jobQueue());
        if (q.broken() != null) {
            return Optional.of(q.broken());
        }
        if (needs <= 0 || q.maxVcpus().isEmpty() || needs <= q.maxVcpus().getAsInt()) {
            return Optional.empty();
        }
        return Optional.of("needs " + needs + " vCPUs, but the compute environments of job queue " + name(d.jobQueue())
                + " have at most " + q.maxVcpus().getAsInt() + " (maxvCpus): AWS Batch would keep it RUNNABLE for ever");
    }

    /** What the waiting job {@code d} waits for on its queue that the queue's environments say, or null. */
    String waitingFor(String account, BatchApi api, JobDetail d) {
        return d.jobQueue() == null ? null : queue(account, api, d.jobQueue()).waiting();
    }

    private Queue queue(String account, BatchApi api, String queue) {
        return queues.get(account + "|" + queue, () -> lookUp(api, queue));
    }

    private static Queue lookUp(BatchApi api, String queue) {
        try {
            Optional<JobQueueDetail> q = api.queue(queue);
            List<String> arns = q.map(JobQueueDetail::computeEnvironmentOrder).orElse(List.of()).stream()
                    .map(ComputeEnvironmentOrder::computeEnvironment).toList();
            if (arns.isEmpty()) {
                return Queue.UNKNOWN;
            }
            int max = 0;
            List<ComputeEnvironmentDetail> all = api.computeEnvironments(arns);
            List<ComputeEnvironmentDetail> enabled = new ArrayList<>();
            String waiting = all.isEmpty() || !all.stream().allMatch(ce -> "DISABLED".equals(ce.stateAsString())) ? null
                    : "every compute environment of job queue " + name(queue) + " is DISABLED ("
                    + all.stream().map(ComputeEnvironmentDetail::computeEnvironmentName).collect(Collectors.joining(", "))
                    + ")";
            for (ComputeEnvironmentDetail ce : all) {
                if (ce.computeResources() == null || ce.computeResources().maxvCpus() == null) {
                    return new Queue(OptionalInt.empty(), null, waiting); // unmanaged: its capacity is the operator's
                }
                if (!"DISABLED".equals(ce.stateAsString())) {
                    max = Math.max(max, ce.computeResources().maxvCpus());
                    enabled.add(ce);
                }
            }
            return new Queue(max == 0 ? OptionalInt.empty() : OptionalInt.of(max), broken(name(queue), enabled), waiting);
        } catch (RuntimeException e) {
            LOG.debugf("the capacity of job queue %s is not known: %s", queue, e.getMessage());
            return Queue.UNKNOWN;
        }
    }

    /** Why none of a queue's enabled environments can run a job: every one INVALID, with no instance left; or null. */
    private static String broken(String queue, List<ComputeEnvironmentDetail> enabled) {
        boolean none = !enabled.isEmpty() && enabled.stream().allMatch(ce -> "INVALID".equals(ce.statusAsString())
                && (ce.computeResources().desiredvCpus() == null || ce.computeResources().desiredvCpus() == 0));
        if (!none) {
            return null;
        }
        String why = enabled.stream().map(ce -> ce.computeEnvironmentName() + ": " + brief(ce.statusReason()))
                .collect(Collectors.joining("; "));
        return "every compute environment of job queue " + queue + " is INVALID (" + why
                + "): AWS Batch keeps its jobs RUNNABLE until an operator fixes them";
    }

    private static String brief(String reason) {
        return reason == null ? "no reason given" : reason.length() > 200 ? reason.substring(0, 200) + "…" : reason;
    }

    /** The vCPUs the job asks for: its VCPU requirement (rounded up), else the legacy vcpus; 0 when it says nothing. */
    static int vcpus(JobDetail d) {
        if (d.container() == null) {
            return 0;
        }
        for (ResourceRequirement r : d.container().resourceRequirements()) {
            if (r.type() == ResourceType.VCPU && r.value() != null) {
                try {
                    return (int) Math.ceil(Double.parseDouble(r.value()));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return d.container().vcpus() == null ? 0 : d.container().vcpus();
    }

    private static String name(String queueArn) {
        return queueArn.substring(queueArn.lastIndexOf('/') + 1);
    }
}
