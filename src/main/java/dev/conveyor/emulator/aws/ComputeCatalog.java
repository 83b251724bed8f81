package dev.conveyor.emulator.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured compute environments and job queues, and the vCPUs in use on each environment.
 * Not thread-safe: callers hold the scheduler's lock for capacity changes.
 */
final class ComputeCatalog {

    private final Map<String, AwsBatchEmulatorOptions.ComputeEnvironment> environments = new LinkedHashMap<>();
    private final Map<String, AwsBatchEmulatorOptions.JobQueue> queues = new LinkedHashMap<>();
    private final Map<String, Integer> used = new LinkedHashMap<>();
    private final Arns arns;

    ComputeCatalog(AwsBatchEmulatorOptions options, Arns arns) {
        this.arns = arns;
        options.computeEnvironments().forEach(ce -> {
            environments.put(ce.name(), ce);
            used.put(ce.name(), 0);
        });
        options.jobQueues().forEach(q -> queues.put(q.name(), q));
    }

    List<AwsBatchEmulatorOptions.ComputeEnvironment> environments() {
        return List.copyOf(environments.values());
    }

    List<AwsBatchEmulatorOptions.JobQueue> queues() {
        return List.copyOf(queues.values());
    }

    /** By name or ARN. */
    Optional<AwsBatchEmulatorOptions.ComputeEnvironment> environment(String nameOrArn) {
        AwsBatchEmulatorOptions.ComputeEnvironment ce = environments.get(Arns.resourceName(nameOrArn));
        if (ce != null && nameOrArn.startsWith("arn:") && !nameOrArn.equals(arns.computeEnvironment(ce.name()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(ce);
    }

    /** By name or ARN. */
    Optional<AwsBatchEmulatorOptions.JobQueue> queue(String nameOrArn) {
        AwsBatchEmulatorOptions.JobQueue q = queues.get(Arns.resourceName(nameOrArn));
        if (q != null && nameOrArn.startsWith("arn:") && !nameOrArn.equals(arns.jobQueue(q.name()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(q);
    }

    /** Reserves {@code vcpus} on the first valid environment of the queue that has them free; empty when none has. */
    Optional<String> reserve(String queueName, int vcpus) {
        for (String ce : queues.get(queueName).computeEnvironments()) {
            if (environments.get(ce).invalidReason() != null) {
                continue; // INVALID: AWS Batch cannot scale it, its jobs stay RUNNABLE
            }
            int free = environments.get(ce).maxVcpus() - used.get(ce);
            if (free >= vcpus) {
                used.merge(ce, vcpus, Integer::sum);
                return Optional.of(ce);
            }
        }
        return Optional.empty();
    }

    void release(String computeEnvironment, int vcpus) {
        used.merge(computeEnvironment, -vcpus, Integer::sum);
    }

    int usedVcpus(String computeEnvironment) {
        return used.getOrDefault(computeEnvironment, 0);
    }
}
