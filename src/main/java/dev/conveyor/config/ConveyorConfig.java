package dev.conveyor.config;

import dev.conveyor.submission.OptionVariables;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Service-wide settings, prefix {@code conveyor}. Every option is listed in the README. The
 * constraints (Bean Validation) are checked at start-up: a value out of range stops the service
 * with every such problem named, before anything is consumed.
 */
@ConfigMapping(prefix = "conveyor")
public interface ConveyorConfig {

    /** Stages this process runs; the others are left to other processes. */
    @WithDefault("submission,staging,dispatch,monitoring,collection")
    Set<String> stages();

    /** Folder for runtime data: object store, local task directories, embedded broker logs. */
    @WithDefault(".conveyor")
    String dataDir();

    /** Names this instance (transactional ids); default the host name. */
    @WithDefault("conveyor")
    String instanceId();

    Kafka kafka();

    Topics topics();

    /** The object store ({@code conveyor.storage.*}): {@link StorageConfig}. */
    StorageConfig storage();

    Local local();

    Monitoring monitoring();

    AzureBatch azureBatch();

    /** The {@code azure-batch} backend ({@code conveyor.azure-batch.*}); enabled when a profile has a Batch account URL. */
    interface AzureBatch {
        /** A pool Conveyor created is deleted after it ran no active job this long. */
        @WithDefault("30m")
        @DurationMin(millis = 1)
        Duration poolIdleTtl();

        /** Read timeout of one call to the Batch service. */
        @WithDefault("60s")
        @DurationMin(millis = 1)
        Duration requestTimeout();
    }

    Results results();

    Submission submission();

    /**
     * Named credential profiles ({@code conveyor.profiles.<name>.*}); a request names one with
     * {@code runsOn.profile}, else gets {@code default}. Values come from env or secret files.
     */
    Map<String, ProfileConfig> profiles();

    Credentials credentials();

    Staging staging();

    Dispatch dispatch();

    interface Kafka {
        /** An existing cluster; when absent, run/serve start an embedded broker. */
        Optional<String> bootstrapServers();
    }

    interface Topics {
        @WithDefault("conveyor.requests")
        String requests();

        @WithDefault("conveyor.submitted")
        String submitted();

        @WithDefault("conveyor.staged")
        String staged();

        @WithDefault("conveyor.dispatched")
        String dispatched();

        @WithDefault("conveyor.completed")
        String completed();

        @WithDefault("conveyor.results")
        String results();

        @WithDefault("conveyor.status")
        String status();

        @WithDefault("conveyor.dlq")
        String dlq();

        @WithDefault("conveyor.control")
        String control();

        /** Partitions of each topic created at start-up. */
        @WithDefault("6")
        @Min(1)
        int partitions();

        @WithDefault("1")
        @Min(1)
        short replicationFactor();

        /** Create missing topics at start-up. */
        @WithDefault("true")
        boolean create();

        default List<String> all() {
            return List.of(requests(), submitted(), staged(), dispatched(), completed(), results(), status(), dlq(), control());
        }
    }

    interface Local {
        /** Task processes run at once; default the number of CPUs. */
        Optional<@Min(1) Integer> slots();

        /** Time between SIGTERM and SIGKILL when a task is stopped. */
        @WithDefault("2s")
        @DurationMin(millis = 0)
        Duration killGrace();

        /** {@code auto} (a PID namespace where the machine allows), {@code pid-namespace} or {@code process-group}. */
        @WithDefault("auto")
        String isolation();
    }

    Engine engine();

    Collection collection();

    Concurrency concurrency();

    /** The stages' retry policy for the object store and their checks ({@code conveyor.stage-retry.*}). */
    StageRetry stageRetry();

    interface StageRetry {
        /** How long a stage keeps trying the object store for one record before it holds the record and tries again later. */
        @WithDefault("5m")
        @DurationMin(millis = 1)
        Duration maxDuration();

        /** The longest pause between two tries; also how often a held record is tried again. */
        @WithDefault("30s")
        @DurationMin(millis = 1)
        Duration maxDelay();
    }

    /** How much each stage works on at once. */
    interface Concurrency {
        /** Records a stage handles at once (different jobs in parallel, one job's records in order). */
        @WithDefault("64")
        @Min(1)
        int recordsInFlight();

        /** Jobs monitoring advances at once within one cycle. */
        @WithDefault("8")
        @Min(1)
        int monitoringTurns();

        /** Completions collection builds at once within one batch (one Kafka transaction per batch). */
        @WithDefault("8")
        @Min(1)
        int collectionBuilds();
    }

    interface Collection {
        /** How often the orphan reaper releases what backends hold for jobs that have their result (0 = never). */
        @WithDefault("5m")
        @DurationMin(millis = 0)
        Duration reapInterval();
    }

    /** How the engine paces jobs on every backend. */
    interface Engine {
        /** Wait before a failed task's first retry; doubled for each further retry. */
        @WithDefault("1s")
        @DurationMin(millis = 0)
        Duration retryBackoff();

        /** Longest wait between two attempts. */
        @WithDefault("60s")
        @DurationMin(millis = 0)
        Duration retryBackoffMax();

        /** Attempts lost to infrastructure (preemption, spot interruption, a vanished process) retried without charging the task. */
        @WithDefault("3")
        @Min(0)
        int infrastructureRetries();

        /** How long past an attempt's time limit the engine waits for the backend to stop it. */
        @WithDefault("30s")
        @DurationMin(millis = 0)
        Duration timeoutGrace();

        /** Signed URLs given to tasks stay valid this long after the job's deadline. */
        @WithDefault("1h")
        @DurationMin(millis = 0)
        Duration urlMargin();
    }

    /** The AWS Batch backend ({@code conveyor.aws-batch.*}); it is enabled when a profile is set up for AWS Batch. */
    AwsBatch awsBatch();

    interface AwsBatch {
        /** Most SubmitJob calls per second (AWS's account quota is 50); halved on throttling, ramped back ×1.2 per 100 successes. */
        @WithDefault("50")
        @Min(1)
        int submitRate();

        /** Conveyor-made job definitions no job used for this long are deregistered. */
        @WithDefault("168h")
        @DurationMin(millis = 1)
        Duration definitionTtl();

        /** The image of tasks that name none (needs sh and curl or wget). */
        @WithDefault("public.ecr.aws/docker/library/alpine:3.20")
        String defaultImage();

        /** The CloudWatch log group AWS Batch writes container logs to. */
        @WithDefault("/aws/batch/job")
        String logGroup();
    }

    /** Retry, backoff and pacing of backend calls, per backend type ({@code conveyor.backends.<type>.*}). */
    @io.smallrye.config.WithDefaults
    Map<String, Backend> backends();

    interface Backend {
        @WithDefault("10")
        @Min(0)
        int maxRetries();

        @WithDefault("250ms")
        @DurationMin(millis = 0)
        Duration retryDelay();

        @WithDefault("90s")
        @DurationMin(millis = 0)
        Duration retryMaxDelay();

        @WithDefault("0.25")
        @DecimalMin("0")
        @DecimalMax("1")
        double jitter();

        /** Calls per second to the backend's API, 0 = unlimited. */
        @WithDefault("0")
        @Min(0)
        int ratePerSecond();
    }

    interface Monitoring {
        /** The shortest interval between two polls of a backend (while things change). */
        @WithDefault("200ms")
        @DurationMin(millis = 1)
        Duration pollInterval();

        /** The longest interval between two polls of a backend (while nothing changes). */
        @WithDefault("5s")
        @DurationMin(millis = 1)
        Duration pollIntervalMax();
    }

    interface Results {
        /** Bytes of stdout/stderr kept inline in the result (the full log is linked by URI). */
        @WithDefault("4096")
        @Min(0)
        int tailBytes();

        /** Largest result record; what does not fit stays in the stored result document, named by the record. */
        @WithDefault("1048576")
        @Min(1024)
        int maxRecordBytes();
    }

    interface Credentials {
        /**
         * Names a request's provider options ({@code runsOn.with}) may refer to as {@code ${NAME}};
         * any other name is REJECTED at submission. Default: the variables the ddeutil-workflow and
         * Covalent docs use for Azure Batch and AWS Batch ({@link OptionVariables#DEFAULT_ALLOWED}).
         */
        @WithDefault(OptionVariables.DEFAULT_ALLOWED)
        Set<String> allowedVariables();
    }

    interface Staging {
        /**
         * Host names or CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}) that
         * {@code http(s):} input sources may reach although they are loopback, link-local, private,
         * unspecified or multicast addresses (none by default).
         */
        Optional<List<String>> allowedHttpHosts();

        /**
         * How long an {@code http(s):} input source may take to answer, and then to send more of its body: a source
         * silent for longer has broken off (tried again under the stage's policy, then the job fails naming it).
         */
        @WithDefault("60s")
        @DurationMin(millis = 1)
        Duration readTimeout();
    }

    interface Dispatch {
        /**
         * How long dispatch waits for a backend whose API stays away (unreachable, 5xx, throttling beyond the backend's
         * policy) before it fails the job: meanwhile the job's record is held and tried again every
         * {@code conveyor.stage-retry.max-delay}. {@code 0} fails the job once the backend's policy gives up.
         */
        @WithDefault("30m")
        @DurationMin(millis = 0)
        Duration backendWait();
    }

    interface Submission {
        /** Largest number of tasks one request may have (matrix cells included). */
        @WithDefault("10000")
        @Min(1)
        int maxTasks();

        /** Largest number of cells (and of axis combinations) one matrix strategy may have. */
        @WithDefault("10000")
        @Min(1)
        int maxMatrixCells();

        /** Compute providers this service accepts requests for (those whose backend is set up here: azure-batch and aws-batch need a profile for them). */
        @WithDefault("local,noop,azure-batch,aws-batch")
        Set<String> providers();
    }
}
