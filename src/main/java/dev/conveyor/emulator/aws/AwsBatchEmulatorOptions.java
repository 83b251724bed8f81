package dev.conveyor.emulator.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start an {@link AwsBatchEmulator}. Build with {@link #builder()}; every setting has a default:
 * a free port, {@code us-east-1}, generated credentials, one compute environment
 * ({@value #DEFAULT_COMPUTE_ENVIRONMENT}, {@link #DEFAULT_VCPUS} vCPUs) behind one job queue
 * ({@value #DEFAULT_QUEUE}), a temporary work directory, no faults and real time.
 */
public final class AwsBatchEmulatorOptions {

    public static final String DEFAULT_QUEUE = "conveyor-queue";
    public static final String DEFAULT_COMPUTE_ENVIRONMENT = "conveyor-ce";
    public static final int DEFAULT_VCPUS = 4;
    public static final String DEFAULT_ACCOUNT = "123456789012";

    /**
     * A compute environment: its vCPUs bound how many jobs run at once. One with an {@code invalidReason} has the
     * status INVALID (e.g. its service role cannot be assumed): it runs nothing, as on AWS. {@code instanceMemoryMib}:
     * the memory of its largest instance type (null: any job's), which a job's {@code MEMORY} must fit. One
     * {@code shortOfCapacity} cannot launch instances (EC2 has none of its types: a spot shortage): its jobs wait
     * RUNNABLE with AWS's {@code CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY} reason. One {@code disabled} (state
     * DISABLED, an operator's choice) takes no job.
     */
    public record ComputeEnvironment(String name, int maxVcpus, String invalidReason, Integer instanceMemoryMib,
                                     boolean shortOfCapacity, boolean disabled) {
        public ComputeEnvironment {
            Objects.requireNonNull(name, "name");
            if (maxVcpus < 1) {
                throw new IllegalArgumentException("maxVcpus must be at least 1");
            }
        }

        public ComputeEnvironment(String name, int maxVcpus) {
            this(name, maxVcpus, null, null, false, false);
        }

        /** The same, INVALID with AWS's {@code statusReason}. */
        public ComputeEnvironment invalid(String statusReason) {
            return new ComputeEnvironment(name, maxVcpus, Objects.requireNonNull(statusReason), instanceMemoryMib,
                    shortOfCapacity, disabled);
        }

        /** The same, its largest instance type with {@code mib} of memory. */
        public ComputeEnvironment withInstanceMemory(int mib) {
            return new ComputeEnvironment(name, maxVcpus, invalidReason, mib, shortOfCapacity, disabled);
        }

        /** The same, unable to launch any instance for now. */
        public ComputeEnvironment withNoCapacity() {
            return new ComputeEnvironment(name, maxVcpus, invalidReason, instanceMemoryMib, true, disabled);
        }

        /** The same, DISABLED. */
        public ComputeEnvironment asDisabled() {
            return new ComputeEnvironment(name, maxVcpus, invalidReason, instanceMemoryMib, shortOfCapacity, true);
        }
    }

    /** A job queue: higher priority is scheduled first; compute environments are tried in list order. */
    public record JobQueue(String name, int priority, List<String> computeEnvironments, List<StateTimeLimit> stateTimeLimits) {
        public JobQueue {
            Objects.requireNonNull(name, "name");
            computeEnvironments = List.copyOf(computeEnvironments);
            stateTimeLimits = List.copyOf(stateTimeLimits);
            if (computeEnvironments.isEmpty()) {
                throw new IllegalArgumentException("a job queue needs a compute environment");
            }
        }

        public JobQueue(String name, int priority, List<String> computeEnvironments) {
            this(name, priority, computeEnvironments, List.of());
        }

        /**
         * The same, with one of AWS's {@code jobStateTimeLimitActions}: a job that waits RUNNABLE while AWS gives it a
         * {@code statusReason} starting with {@code reason} (e.g. {@code CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY}) is
         * cancelled after {@code maxTime} — FAILED, {@code Terminated by JobStateTimeLimit action due to reason: <reason>}.
         */
        public JobQueue withStateTimeLimit(String reason, Duration maxTime) {
            List<StateTimeLimit> limits = new ArrayList<>(stateTimeLimits);
            limits.add(new StateTimeLimit(reason, maxTime));
            return new JobQueue(name, priority, computeEnvironments, limits);
        }
    }

    /** A job queue's {@code jobStateTimeLimitActions} entry (state RUNNABLE, action CANCEL). */
    public record StateTimeLimit(String reason, Duration maxTime) {
        public StateTimeLimit {
            Objects.requireNonNull(reason, "reason");
            if (maxTime.isNegative() || maxTime.isZero()) {
                throw new IllegalArgumentException("a state time limit must be positive, was " + maxTime);
            }
        }
    }

    private final int port;
    private final String host;
    private final String region;
    private final String accountId;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Path workDir;
    private final List<ComputeEnvironment> computeEnvironments;
    private final List<JobQueue> jobQueues;
    private final FaultOptions faults;
    private final double timeScale;
    private final Duration transitionDelay;
    private final Duration blockedReasonDelay;

    private AwsBatchEmulatorOptions(Builder b) {
        this.port = b.port;
        this.host = b.host;
        this.region = b.region;
        this.accountId = b.accountId;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.workDir = b.workDir;
        this.faults = b.faults;
        this.timeScale = b.timeScale;
        this.transitionDelay = b.transitionDelay;
        this.blockedReasonDelay = b.blockedReasonDelay;
        if (b.computeEnvironments.isEmpty() && b.jobQueues.isEmpty()) {
            this.computeEnvironments = List.of(new ComputeEnvironment(DEFAULT_COMPUTE_ENVIRONMENT, b.defaultVcpus));
            this.jobQueues = List.of(new JobQueue(DEFAULT_QUEUE, 1, List.of(DEFAULT_COMPUTE_ENVIRONMENT)));
        } else {
            this.computeEnvironments = List.copyOf(b.computeEnvironments);
            this.jobQueues = List.copyOf(b.jobQueues);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static AwsBatchEmulatorOptions defaults() {
        return builder().build();
    }

    public int port() { return port; }
    public String host() { return host; }
    public String region() { return region; }
    public String accountId() { return accountId; }
    /** Null means: generate one at start. */
    public String accessKeyId() { return accessKeyId; }
    /** Null means: generate one at start. */
    public String secretAccessKey() { return secretAccessKey; }
    /** Null means: a temporary directory, deleted by {@link AwsBatchEmulator#close()}. */
    public Path workDir() { return workDir; }
    public List<ComputeEnvironment> computeEnvironments() { return computeEnvironments; }
    public List<JobQueue> jobQueues() { return jobQueues; }
    public FaultOptions faults() { return faults; }
    /** Factor applied to job timeouts ({@code timeout.attemptDurationSeconds}); 1.0 is real time. */
    public double timeScale() { return timeScale; }
    /** Pause between two scheduler steps (SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING). */
    public Duration transitionDelay() { return transitionDelay; }
    /** How long a job that cannot start waits RUNNABLE before its blocked-queue reason appears (0: at once). */
    public Duration blockedReasonDelay() { return blockedReasonDelay; }

    public static final class Builder {
        private int port;
        private String host = "127.0.0.1";
        private String region = "us-east-1";
        private String accountId = DEFAULT_ACCOUNT;
        private String accessKeyId;
        private String secretAccessKey;
        private Path workDir;
        private int defaultVcpus = DEFAULT_VCPUS;
        private final List<ComputeEnvironment> computeEnvironments = new ArrayList<>();
        private final List<JobQueue> jobQueues = new ArrayList<>();
        private FaultOptions faults = FaultOptions.none();
        private double timeScale = 1.0;
        private Duration transitionDelay = Duration.ofMillis(20);
        private Duration blockedReasonDelay = Duration.ZERO;

        private Builder() {
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) { this.port = port; return this; }
        public Builder host(String host) { this.host = Objects.requireNonNull(host); return this; }
        public Builder region(String region) { this.region = Objects.requireNonNull(region); return this; }
        public Builder accountId(String accountId) { this.accountId = Objects.requireNonNull(accountId); return this; }
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }
        public Builder workDir(Path workDir) { this.workDir = workDir; return this; }
        /** vCPUs of the default compute environment (used only when none is configured). */
        public Builder defaultVcpus(int vcpus) { this.defaultVcpus = vcpus; return this; }
        public Builder computeEnvironment(String name, int maxVcpus) {
            computeEnvironments.add(new ComputeEnvironment(name, maxVcpus));
            return this;
        }
        public Builder computeEnvironment(ComputeEnvironment environment) {
            computeEnvironments.add(Objects.requireNonNull(environment));
            return this;
        }
        public Builder jobQueue(String name, int priority, String... computeEnvironments) {
            jobQueues.add(new JobQueue(name, priority, List.of(computeEnvironments)));
            return this;
        }
        public Builder jobQueue(JobQueue queue) {
            jobQueues.add(Objects.requireNonNull(queue));
            return this;
        }
        public Builder faults(FaultOptions faults) { this.faults = Objects.requireNonNull(faults); return this; }
        public Builder timeScale(double timeScale) {
            if (!(timeScale > 0)) {
                throw new IllegalArgumentException("timeScale must be positive");
            }
            this.timeScale = timeScale;
            return this;
        }
        public Builder transitionDelay(Duration delay) { this.transitionDelay = Objects.requireNonNull(delay); return this; }
        /** AWS sets a blocked job's reason after a while, not as it becomes RUNNABLE: this long (default 0, at once). */
        public Builder blockedReasonDelay(Duration delay) {
            this.blockedReasonDelay = Objects.requireNonNull(delay);
            return this;
        }

        public AwsBatchEmulatorOptions build() {
            AwsBatchEmulatorOptions options = new AwsBatchEmulatorOptions(this);
            List<String> ceNames = options.computeEnvironments.stream().map(ComputeEnvironment::name).toList();
            for (JobQueue queue : options.jobQueues) {
                for (String ce : queue.computeEnvironments()) {
                    if (!ceNames.contains(ce)) {
                        throw new IllegalArgumentException("job queue " + queue.name() + " names unknown compute environment " + ce);
                    }
                }
            }
            return options;
        }
    }
}
