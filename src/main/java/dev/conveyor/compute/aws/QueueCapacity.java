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
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a job waiting in a queue can ever start there: AWS Batch keeps a job RUNNABLE for ever when it asks for
 * more vCPUs than any compute environment of its queue may have ({@code maxvCpus}) — the best-known way for a job to
 * hang on Batch. Asked only of waiting jobs; each queue's largest environment is looked up at most every
 * {@link #RECHECK} (one DescribeJobQueues and one DescribeComputeEnvironments). Unmanaged environments, and a lookup
 * that is refused (no {@code batch:DescribeComputeEnvironments}) or fails, answer "unknown": the job is left to wait.
 */
final class QueueCapacity {
    private static final Logger LOG = Logger.getLogger(AwsBatchComputeBackend.class);
    static final Duration RECHECK = Duration.ofSeconds(60);

    /** Each queue's largest environment, by account and queue. */
    private final Rechecked<OptionalInt> queues;

    QueueCapacity(Clock clock) {
        this.queues = new Rechecked<>(RECHECK, clock);
    }

    /** Why the waiting job {@code d} can never start on its queue, or empty (it can, or that is not known). */
    Optional<String> neverStarts(String account, BatchApi api, JobDetail d) {
        int needs = vcpus(d);
        if (needs <= 0 || d.jobQueue() == null) {
            return Optional.empty();
        }
        OptionalInt max = maxVcpus(account, api, d.jobQueue());
        if (max.isEmpty() || needs <= max.getAsInt()) {
            return Optional.empty();
        }
        return Optional.of("needs " + needs + " vCPUs, but the compute environments of job queue " + name(d.jobQueue())
                + " have at most " + max.getAsInt() + " (maxvCpus): AWS Batch would keep it RUNNABLE for ever");
    }

    private OptionalInt maxVcpus(String account, BatchApi api, String queue) {
        return queues.get(account + "|" + queue, () -> lookUp(api, queue));
    }

    /** The largest maxvCpus among the queue's enabled managed environments; empty when unknown or unlimited. */
    private static OptionalInt lookUp(BatchApi api, String queue) {
        try {
            Optional<JobQueueDetail> q = api.queue(queue);
            List<String> arns = q.map(JobQueueDetail::computeEnvironmentOrder).orElse(List.of()).stream()
                    .map(ComputeEnvironmentOrder::computeEnvironment).toList();
            if (arns.isEmpty()) {
                return OptionalInt.empty();
            }
            int max = 0;
            for (ComputeEnvironmentDetail ce : api.computeEnvironments(arns)) {
                if (ce.computeResources() == null || ce.computeResources().maxvCpus() == null) {
                    return OptionalInt.empty(); // unmanaged: its capacity is whatever the operator gives it
                }
                if (!"DISABLED".equals(ce.stateAsString())) {
                    max = Math.max(max, ce.computeResources().maxvCpus());
                }
            }
            return max == 0 ? OptionalInt.empty() : OptionalInt.of(max);
        } catch (RuntimeException e) {
            LOG.debugf("the capacity of job queue %s is not known: %s", queue, e.getMessage());
            return OptionalInt.empty();
        }
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
