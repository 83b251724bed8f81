package dev.conveyor.compute.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.azure.AzureResponseBuilder;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchCredentials;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.CloudJob;
import com.microsoft.azure.batch.protocol.models.CloudPool;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.ContainerConfiguration;
import com.microsoft.azure.batch.protocol.models.ContainerRegistry;
import com.microsoft.azure.batch.protocol.models.ContainerType;
import com.microsoft.azure.batch.protocol.models.EnvironmentSetting;
import com.microsoft.azure.batch.protocol.models.ImageReference;
import com.microsoft.azure.batch.protocol.models.JobAddParameter;
import com.microsoft.azure.batch.protocol.models.JobConstraints;
import com.microsoft.azure.batch.protocol.models.JobListOptions;
import com.microsoft.azure.batch.protocol.models.MetadataItem;
import com.microsoft.azure.batch.protocol.models.OnAllTasksComplete;
import com.microsoft.azure.batch.protocol.models.OutputFile;
import com.microsoft.azure.batch.protocol.models.OutputFileBlobContainerDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadCondition;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadOptions;
import com.microsoft.azure.batch.protocol.models.PoolAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.PoolListOptions;
import com.microsoft.azure.batch.protocol.models.ResizeError;
import com.microsoft.azure.batch.protocol.models.ResourceFile;
import com.microsoft.azure.batch.protocol.models.StartTask;
import com.microsoft.azure.batch.protocol.models.TaskAddCollectionResult;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskAddResult;
import com.microsoft.azure.batch.protocol.models.TaskAddStatus;
import com.microsoft.azure.batch.protocol.models.TaskConstraints;
import com.microsoft.azure.batch.protocol.models.TaskContainerSettings;
import com.microsoft.azure.batch.protocol.models.TaskCounts;
import com.microsoft.azure.batch.protocol.models.TaskListOptions;
import com.microsoft.azure.batch.protocol.models.VirtualMachineConfiguration;
import com.microsoft.azure.serializer.AzureJacksonAdapter;
import com.microsoft.rest.RestClient;
import com.microsoft.rest.retry.RetryStrategy;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.azure.BatchTypes.AddResult;
import dev.conveyor.compute.azure.BatchTypes.Counts;
import dev.conveyor.compute.azure.BatchTypes.JobInfo;
import dev.conveyor.compute.azure.BatchTypes.PoolInfo;
import dev.conveyor.compute.azure.BatchTypes.TaskInfo;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.credentials.AzureAccount;
import okhttp3.OkHttpClient;
import org.joda.time.DateTime;
import org.joda.time.Period;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every call to the Azure Batch SDK ({@code com.microsoft.azure:azure-batch:11.2.0}, which speaks
 * api-version 2024-07-01.20.0) lives here and nowhere else: moving to
 * {@code com.azure:azure-compute-batch} (api-version 2025-06-01) is rewriting this one class.
 * It speaks {@link BatchTypes} records to the rest of the backend and throws only typed
 * {@link ComputeException}s: 429/5xx/408 and I/O failures transient (with the service's
 * Retry-After), everything else terminal with the service's error code. The SDK's own retry handler
 * is switched off, so every retry goes through the backend's {@code CallPolicy}.
 */
final class AzureBatchApi implements AutoCloseable {
    /** What the adapter speaks, for docs and logs. */
    static final String API_VERSION = "2024-07-01.20.0";
    private static final String BATCH_SCOPE = "https://batch.core.windows.net/.default";
    private static final String TASK_SELECT = "id,state,executionInfo,nodeInfo";

    private final BatchServiceClient client;
    private final String url;

    private AzureBatchApi(BatchServiceClient client, String url) {
        this.client = client;
        this.url = url;
    }

    /** A client for the account: shared key when the profile has one, else Entra ID (service principal or managed identity). */
    static AzureBatchApi connect(AzureAccount account, Duration timeout) {
        String url = account.batchAccountUrl();
        if (url == null || url.isBlank()) {
            throw new TerminalComputeException("MissingOption", "the Azure profile has no Batch account URL (batch_account_url)", null);
        }
        BatchCredentials credentials = switch (account.batchAuth()) {
            case SHARED_KEY -> {
                if (account.batchAccountName() == null) {
                    throw new TerminalComputeException("MissingOption", "a Batch account key needs the account name (batch_account_name)", null);
                }
                yield new BatchSharedKeyCredentials(url, account.batchAccountName(), account.batchAccountKey().reveal());
            }
            case SERVICE_PRINCIPAL -> new EntraCredentials(url, new ClientSecretCredentialBuilder().tenantId(account.tenantId())
                    .clientId(account.clientId()).clientSecret(account.clientSecret().reveal()).build());
            case MANAGED_IDENTITY -> {
                ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
                if (account.clientId() != null) {
                    b.clientId(account.clientId());
                }
                yield new EntraCredentials(url, b.build());
            }
        };
        RestClient rest = new RestClient.Builder()
                .withBaseUrl(url)
                .withCredentials(credentials)
                .withSerializerAdapter(new AzureJacksonAdapter())
                .withResponseBuilderFactory(new AzureResponseBuilder.Factory())
                .withRetryStrategy(new NoRetry())
                .withReadTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .withConnectionTimeout(Math.min(timeout.toMillis(), 30_000), TimeUnit.MILLISECONDS)
                .build();
        return new AzureBatchApi(BatchClient.open(rest, url).protocolLayer(), url);
    }

    String url() {
        return url;
    }

    // ---- pools

    /** The pool, or null when there is none by that id. */
    PoolInfo pool(String id) {
        return call("Pool_Get", () -> {
            try {
                return poolInfo(client.pools().get(id));
            } catch (BatchErrorException e) {
                if (status(e) == 404) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Creates the pool; false when it exists already (a concurrent creator won: {@code PoolExists}). */
    boolean createPool(BatchTypes.PoolSpec p) {
        VirtualMachineConfiguration vm = new VirtualMachineConfiguration()
                .withImageReference(new ImageReference().withPublisher(p.imagePublisher()).withOffer(p.imageOffer())
                        .withSku(p.imageSku()).withVersion(p.imageVersion()))
                .withNodeAgentSKUId(p.nodeAgentSkuId());
        if (p.containers()) {
            ContainerConfiguration cc = new ContainerConfiguration().withType(ContainerType.DOCKER_COMPATIBLE)
                    .withContainerImageNames(p.containerImages().isEmpty() ? null : p.containerImages());
            if (p.containerRegistry() != null) {
                cc.withContainerRegistries(List.of(new ContainerRegistry().withRegistryServer(p.containerRegistry())
                        .withUserName(p.containerUser()).withPassword(p.containerPassword())));
            }
            vm.withContainerConfiguration(cc);
        }
        PoolAddParameter add = new PoolAddParameter().withId(p.id()).withVmSize(p.vmSize())
                .withVirtualMachineConfiguration(vm).withTaskSlotsPerNode(p.taskSlotsPerNode())
                .withMetadata(metadata(p.metadata()));
        if (p.autoScale()) {
            add.withEnableAutoScale(true).withAutoScaleFormula(p.autoScaleFormula())
                    .withAutoScaleEvaluationInterval(period(p.autoScaleInterval()));
        } else {
            add.withTargetDedicatedNodes(p.dedicatedNodes()).withTargetLowPriorityNodes(p.lowPriorityNodes());
        }
        if (p.startTask() != null) {
            add.withStartTask(new StartTask().withCommandLine(p.startTask()).withWaitForSuccess(true));
        }
        return call("Pool_Add", () -> {
            try {
                client.pools().add(add);
                return true;
            } catch (BatchErrorException e) {
                if ("PoolExists".equals(code(e))) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Every pool carrying metadata {@code key} (one paged list, {@code $select}ed). */
    List<PoolInfo> poolsTagged(String key) {
        return call("Pool_List", () -> {
            List<PoolInfo> out = new ArrayList<>();
            for (CloudPool p : client.pools().list(new PoolListOptions()
                    .withSelect("id,state,allocationState,enableAutoScale,virtualMachineConfiguration,resizeErrors,metadata,creationTime"))) {
                PoolInfo info = poolInfo(p);
                if (info.metadata().containsKey(key)) {
                    out.add(info);
                }
            }
            return out;
        });
    }

    /** Deletes the pool; already gone or going is fine. */
    void deletePool(String id) {
        run("Pool_Delete", () -> {
            try {
                client.pools().delete(id);
            } catch (BatchErrorException e) {
                if (status(e) != 404 && !"PoolBeingDeleted".equals(code(e))) {
                    throw e;
                }
            }
        });
    }

    // ---- jobs

    /** Creates the Batch job; false when it exists already (a repeated ensure). */
    boolean createJob(BatchTypes.JobSpec j) {
        JobAddParameter add = new JobAddParameter().withId(j.id())
                .withPoolInfo(new PoolInformation().withPoolId(j.poolId()))
                .withPriority(j.priority())
                .withOnAllTasksComplete(OnAllTasksComplete.NO_ACTION)
                .withConstraints(new JobConstraints().withMaxTaskRetryCount(0)
                        .withMaxWallClockTime(j.maxWallClock() == null ? null : period(j.maxWallClock())))
                .withMetadata(metadata(j.metadata()));
        return call("Job_Add", () -> {
            try {
                client.jobs().add(add);
                return true;
            } catch (BatchErrorException e) {
                if ("JobExists".equals(code(e))) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Every Batch job of the account ({@code $select}ed to id, state, pool and metadata; paged). */
    List<JobInfo> jobs() {
        return call("Job_List", () -> {
            List<JobInfo> out = new ArrayList<>();
            for (CloudJob j : client.jobs().list(new JobListOptions().withSelect("id,state,poolInfo,metadata"))) {
                out.add(new JobInfo(j.id(), j.state() == null ? null : j.state().toString(),
                        j.poolInfo() == null ? null : j.poolInfo().poolId(), metadata(j.metadata())));
            }
            return out;
        });
    }

    /** Terminates the Batch job (running tasks end, waiting ones never start); done or gone already is fine. */
    void terminateJob(String id, String reason) {
        run("Job_Terminate", () -> {
            try {
                client.jobs().terminate(id, reason, null);
            } catch (BatchErrorException e) {
                String c = code(e);
                if (status(e) != 404 && !"JobCompleted".equals(c) && !"JobBeingTerminated".equals(c) && !"JobBeingDeleted".equals(c)) {
                    throw e;
                }
            }
        });
    }

    /** Deletes the Batch job and its tasks; gone already is fine. */
    void deleteJob(String id) {
        run("Job_Delete", () -> {
            try {
                client.jobs().delete(id);
            } catch (BatchErrorException e) {
                if (status(e) != 404 && !"JobBeingDeleted".equals(code(e))) {
                    throw e;
                }
            }
        });
    }

    /** Task counts of the Batch job, or null when the job is gone. */
    Counts taskCounts(String jobId) {
        return call("Job_GetTaskCounts", () -> {
            try {
                var result = client.jobs().getTaskCounts(jobId);
                if (result == null) { // a GET of a missing job answers null (404) with this response builder
                    return null;
                }
                TaskCounts c = result.taskCounts();
                return new Counts(c.active(), c.running(), c.completed(), c.succeeded(), c.failed());
            } catch (BatchErrorException e) {
                if (status(e) == 404) {
                    return null;
                }
                throw e;
            }
        });
    }

    // ---- tasks

    /**
     * One add-task-collection call (≤ 100 tasks). Throws {@link BodyTooLarge} when the service says
     * the body is over its limit (the caller splits), a typed exception for any other failure of
     * the call; per-task failures come back in the results.
     */
    List<AddResult> addTasks(String jobId, List<BatchTypes.TaskSpec> tasks) {
        List<TaskAddParameter> params = new ArrayList<>(tasks.size());
        for (BatchTypes.TaskSpec t : tasks) {
            params.add(taskAdd(t));
        }
        return call("Task_AddCollection", () -> {
            TaskAddCollectionResult r;
            try {
                r = client.tasks().addCollection(jobId, params);
            } catch (BatchErrorException e) {
                if (status(e) == 413 || "RequestBodyTooLarge".equals(code(e))) {
                    throw new BodyTooLarge();
                }
                throw e;
            }
            List<AddResult> out = new ArrayList<>();
            for (TaskAddResult a : r.value()) {
                boolean ok = a.status() == TaskAddStatus.SUCCESS;
                String code = a.error() == null ? null : a.error().code();
                String message = a.error() == null || a.error().message() == null ? null : a.error().message().value();
                out.add(new AddResult(a.taskId(), ok, a.status() == TaskAddStatus.SERVER_ERROR, code, message));
            }
            return out;
        });
    }

    /** The tasks of the job ({@code $select}ed, paged by 1000), only those matching {@code filter} when given. */
    List<TaskInfo> listTasks(String jobId, String filter) {
        return call("Task_List", () -> {
            List<TaskInfo> out = new ArrayList<>();
            TaskListOptions options = new TaskListOptions().withSelect(TASK_SELECT).withMaxResults(1000).withFilter(filter);
            for (CloudTask t : client.tasks().list(jobId, options)) {
                var exec = t.executionInfo();
                var failure = exec == null ? null : exec.failureInfo();
                out.add(new TaskInfo(t.id(), t.state() == null ? null : t.state().toString(),
                        exec == null ? null : exec.exitCode(),
                        failure == null ? null : failure.code(), failure == null ? null : failure.message(),
                        exec == null ? null : instant(exec.startTime()), exec == null ? null : instant(exec.endTime()),
                        exec == null ? 0 : exec.requeueCount(), t.nodeInfo() == null ? null : t.nodeInfo().nodeId()));
            }
            return out;
        });
    }

    /** Terminates one task; completed or gone already is fine. */
    void terminateTask(String jobId, String taskId) {
        run("Task_Terminate", () -> {
            try {
                client.tasks().terminate(jobId, taskId);
            } catch (BatchErrorException e) {
                String c = code(e);
                if (status(e) != 404 && !"TaskCompleted".equals(c) && !"JobCompleted".equals(c)) {
                    throw e;
                }
            }
        });
    }

    /** The cheapest call that proves the account and credentials work: one pool, id only. */
    void check() {
        run("Pool_List", () -> client.pools().list(new PoolListOptions().withSelect("id").withMaxResults(1)).currentPage());
    }

    @Override
    public void close() {
        // the OkHttp client's threads are daemons; nothing to release
    }

    // ---- conversions

    private static TaskAddParameter taskAdd(BatchTypes.TaskSpec t) {
        List<EnvironmentSetting> env = new ArrayList<>();
        t.env().forEach((k, v) -> env.add(new EnvironmentSetting().withName(k).withValue(v)));
        List<ResourceFile> inputs = new ArrayList<>();
        for (BatchTypes.InputFile f : t.inputs()) {
            inputs.add(new ResourceFile().withFilePath(f.filePath()).withHttpUrl(f.httpUrl())
                    .withStorageContainerUrl(f.containerUrl()).withBlobPrefix(f.blobPrefix()));
        }
        List<OutputFile> outputs = new ArrayList<>();
        for (BatchTypes.OutputFiles o : t.outputs()) {
            outputs.add(new OutputFile().withFilePattern(o.pattern())
                    .withDestination(new OutputFileDestination().withContainer(new OutputFileBlobContainerDestination()
                            .withContainerUrl(o.containerUrl()).withPath(o.path())))
                    .withUploadOptions(new OutputFileUploadOptions().withUploadCondition(OutputFileUploadCondition.TASK_COMPLETION)));
        }
        TaskAddParameter add = new TaskAddParameter().withId(t.id()).withCommandLine(t.commandLine())
                .withEnvironmentSettings(env.isEmpty() ? null : env)
                .withResourceFiles(inputs.isEmpty() ? null : inputs)
                .withOutputFiles(outputs.isEmpty() ? null : outputs)
                .withConstraints(new TaskConstraints().withMaxTaskRetryCount(0)
                        .withMaxWallClockTime(t.maxWallClock() == null ? null : period(t.maxWallClock()))
                        .withRetentionTime(t.retention() == null ? null : period(t.retention())));
        if (t.image() != null) {
            add.withContainerSettings(new TaskContainerSettings().withImageName(t.image()));
        }
        return add;
    }

    private static PoolInfo poolInfo(CloudPool p) {
        if (p == null) { // GET of a missing entity answers null (404) with this response builder
            return null;
        }
        List<String> errors = new ArrayList<>();
        if (p.resizeErrors() != null) {
            for (ResizeError e : p.resizeErrors()) {
                errors.add(e.code() + ": " + e.message());
            }
        }
        boolean containers = p.virtualMachineConfiguration() != null && p.virtualMachineConfiguration().containerConfiguration() != null;
        return new PoolInfo(p.id(), p.state() == null ? null : p.state().toString(),
                p.allocationState() == null ? null : p.allocationState().toString(),
                Boolean.TRUE.equals(p.enableAutoScale()), containers, errors, metadata(p.metadata()), instant(p.creationTime()));
    }

    private static List<MetadataItem> metadata(Map<String, String> md) {
        List<MetadataItem> out = new ArrayList<>();
        md.forEach((k, v) -> out.add(new MetadataItem().withName(k).withValue(v)));
        return out;
    }

    private static Map<String, String> metadata(List<MetadataItem> items) {
        Map<String, String> out = new LinkedHashMap<>();
        if (items != null) {
            items.forEach(m -> out.put(m.name(), m.value()));
        }
        return out;
    }

    private static Period period(Duration d) {
        return new Period(d.toMillis());
    }

    private static Instant instant(DateTime t) {
        return t == null ? null : Instant.ofEpochMilli(t.getMillis());
    }

    // ---- errors

    /** The service refused an add-collection body as too large (413 RequestBodyTooLarge): split it. */
    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("RequestBodyTooLarge", null, false, false);
        }
    }

    private <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (BodyTooLarge | ComputeException e) {
            throw e;
        } catch (BatchErrorException e) {
            throw typed(operation, e);
        } catch (RuntimeException e) {
            if (ioCause(e)) {
                throw new TransientComputeException(operation + " on " + url + " failed: " + rootMessage(e), e);
            }
            throw new TerminalComputeException("ClientError", operation + " failed: " + rootMessage(e), e);
        }
    }

    private void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    private static ComputeException typed(String operation, BatchErrorException e) {
        int status = status(e);
        String code = code(e);
        String message = e.body() != null && e.body().message() != null ? e.body().message().value() : e.getMessage();
        String text = operation + ": " + (code == null ? "HTTP " + status : code) + (message == null ? "" : " — " + message);
        if (status == 429 || status == 408 || status >= 500) {
            return new TransientComputeException(text, retryAfter(e), status == 429, null);
        }
        return new TerminalComputeException(code == null ? "HTTP" + status : code, text, null);
    }

    private static Duration retryAfter(BatchErrorException e) {
        if (e.response() == null) {
            return null;
        }
        String v = e.response().headers().get("Retry-After");
        if (v == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException ignored) {
            return null; // an HTTP date: rare from Batch; the backoff applies
        }
    }

    private static int status(BatchErrorException e) {
        return e.response() == null ? 0 : e.response().code();
    }

    private static String code(BatchErrorException e) {
        return e.body() == null ? null : e.body().code();
    }

    private static boolean ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** The SDK's own retries are off: the backend's CallPolicy decides (and honours Retry-After). */
    private static final class NoRetry extends RetryStrategy {
        NoRetry() {
            super("conveyor-no-retry", false);
        }

        @Override
        public boolean shouldRetry(int retryCount, okhttp3.Response response) {
            return false;
        }
    }

    /** Entra ID bearer tokens for the Batch resource (service principal or managed identity, via azure-identity). */
    private static final class EntraCredentials implements BatchCredentials {
        private final String baseUrl;
        private final TokenCredential credential;
        private volatile AccessToken token;

        EntraCredentials(String baseUrl, TokenCredential credential) {
            this.baseUrl = baseUrl;
            this.credential = credential;
        }

        @Override
        public String baseUrl() {
            return baseUrl;
        }

        @Override
        public void applyCredentialsFilter(OkHttpClient.Builder builder) {
            builder.addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                    .header("Authorization", "Bearer " + token().getToken()).build()));
        }

        private AccessToken token() {
            AccessToken t = token;
            if (t == null || t.getExpiresAt().toInstant().isBefore(Instant.now().plusSeconds(120))) {
                t = credential.getTokenSync(new TokenRequestContext().addScopes(BATCH_SCOPE));
                token = t;
            }
            return t;
        }
    }
}
