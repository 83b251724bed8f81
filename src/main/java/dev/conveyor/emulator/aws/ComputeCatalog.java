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

    /**
     * Reserves {@code vcpus} on the first valid environment of the queue that has them free and instances with
     * {@code memoryMib}; empty when none has.
     */
    Optional<String> reserve(String queueName, int vcpus, int memoryMib) {
        for (String ce : queues.get(queueName).computeEnvironments()) {
            AwsBatchEmulatorOptions.ComputeEnvironment env = environments.get(ce);
            if (env.invalidReason() != null || env.disabled()) {
                continue; // INVALID: AWS Batch cannot scale it; DISABLED: it takes no job. Its jobs stay RUNNABLE
            }
            if (env.instanceMemoryMib() != null && env.instanceMemoryMib() < memoryMib || env.shortOfCapacity()) {
                continue; // no instance type of it has the memory, or EC2 has none to give
            }
            int free = environments.get(ce).maxVcpus() - used.get(ce);
            if (free >= vcpus) {
                used.merge(ce, vcpus, Integer::sum);
                return Optional.of(ce);
            }
        }
        return Optional.empty();
    }

    /**
     * Why a job of {@code queueName} needing {@code vcpus} and {@code memoryMib} cannot start — never, or not while EC2
     * has no capacity — as AWS Batch says it in a RUNNABLE job's {@code statusReason} when the job blocks its queue;
     * null when it can.
     */
    String blocked(String queueName, int vcpus, int memoryMib) {
        List<AwsBatchEmulatorOptions.ComputeEnvironment> valid = queues.get(queueName).computeEnvironments().stream()
                .map(environments::get).filter(ce -> ce.invalidReason() == null).toList();
        if (valid.stream().allMatch(AwsBatchEmulatorOptions.ComputeEnvironment::disabled) && !valid.isEmpty()) {
            return null; // an operator's choice: AWS says nothing, the jobs wait
        }
        if (valid.isEmpty()) {
            return "ACTION_REQUIRED - CE(s) associated with the job queue are invalid.";
        }
        if (valid.stream().allMatch(ce -> ce.maxVcpus() < vcpus)) {
            return "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the "
                    + "CPU requirement of the job.";
        }
        if (valid.stream().allMatch(ce -> ce.instanceMemoryMib() != null && ce.instanceMemoryMib() < memoryMib)) {
            return "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than "
                    + "that can be met by the CE(s) attached to the job queue.";
        }
        if (valid.stream().allMatch(AwsBatchEmulatorOptions.ComputeEnvironment::shortOfCapacity)) {
            return "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - There is not enough capacity to fulfill your request. "
                    + "Please try again later or use other instance types.";
        }
        return null;
    }

    /** The queue's state time limit for a RUNNABLE job that AWS gives {@code statusReason}, if it has one. */
    Optional<AwsBatchEmulatorOptions.StateTimeLimit> stateTimeLimit(String queueName, String statusReason) {
        return statusReason == null ? Optional.empty() : queues.get(queueName).stateTimeLimits().stream()
                .filter(l -> statusReason.startsWith(l.reason())).findFirst();
    }

    void release(String computeEnvironment, int vcpus) {
        used.merge(computeEnvironment, -vcpus, Integer::sum);
    }

    int usedVcpus(String computeEnvironment) {
        return used.getOrDefault(computeEnvironment, 0);
    }
}
