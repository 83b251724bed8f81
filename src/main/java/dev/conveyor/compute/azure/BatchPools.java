package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.batch.protocol.models.CloudPool;
import com.microsoft.azure.batch.protocol.models.ComputeNodeListOptions;
import com.microsoft.azure.batch.protocol.models.ContainerConfiguration;
import com.microsoft.azure.batch.protocol.models.ContainerRegistry;
import com.microsoft.azure.batch.protocol.models.ContainerType;
import com.microsoft.azure.batch.protocol.models.ImageReference;
import com.microsoft.azure.batch.protocol.models.PoolAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolListOptions;
import com.microsoft.azure.batch.protocol.models.ResizeError;
import com.microsoft.azure.batch.protocol.models.StartTask;
import com.microsoft.azure.batch.protocol.models.VirtualMachineConfiguration;
import dev.conveyor.compute.azure.BatchTypes.PoolInfo;

import java.util.ArrayList;
import java.util.List;

import static dev.conveyor.compute.azure.SdkValues.instant;
import static dev.conveyor.compute.azure.SdkValues.metadata;
import static dev.conveyor.compute.azure.SdkValues.period;

/** The pool calls of the SDK behind {@link AzureBatchApi}: get, add, list and delete pools, and the account check. */
final class BatchPools {
    private final BatchServiceClient client;
    private final BatchCalls calls;

    BatchPools(BatchServiceClient client, BatchCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /** The pool, or null when there is none by that id. */
    PoolInfo pool(String id) {
        return calls.getUnlessGone("Pool_Get", () -> poolInfo(client.pools().get(id)));
    }

    /** The pool's nodes (one paged list, {@code $select}ed to their state and start task). */
    List<BatchTypes.NodeInfo> nodes(String poolId) {
        return calls.call("ComputeNode_List", () -> {
            List<BatchTypes.NodeInfo> out = new ArrayList<>();
            var select = new ComputeNodeListOptions().withSelect("id,state,startTaskInfo,errors");
            for (var n : client.computeNodes().list(poolId, select)) {
                List<String> errors = n.errors() == null ? List.of() : n.errors().stream().map(BatchPools::said).toList();
                out.add(new BatchTypes.NodeInfo(n.id(), n.state() == null ? null : n.state().toString(),
                        n.startTaskInfo() == null ? null : n.startTaskInfo().exitCode(), errors));
            }
            return out;
        });
    }

    /** A node's error as {@code code: message (name: value; …)}. */
    private static String said(com.microsoft.azure.batch.protocol.models.ComputeNodeError e) {
        String details = e.errorDetails() == null || e.errorDetails().isEmpty() ? "" : e.errorDetails().stream()
                .map(d -> d.name() + ": " + d.value()).collect(java.util.stream.Collectors.joining("; ", " (", ")"));
        return e.code() + ": " + e.message() + details;
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
        return calls.addUnlessExists("Pool_Add", () -> client.pools().add(add), "PoolExists");
    }

    /** Every pool carrying metadata {@code key} (one paged list, {@code $select}ed). */
    List<PoolInfo> poolsTagged(String key) {
        return calls.call("Pool_List", () -> {
            List<PoolInfo> out = new ArrayList<>();
            for (CloudPool p : client.pools().list(new PoolListOptions()
                    .withSelect("id,state,allocationState,enableAutoScale,virtualMachineConfiguration,resizeErrors,metadata,"
                            + "creationTime,currentDedicatedNodes,currentLowPriorityNodes"))) {
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
        calls.runDoneIfGone("Pool_Delete", () -> client.pools().delete(id), "PoolBeingDeleted");
    }

    /** The cheapest call that proves the account and credentials work: one pool, id only. */
    void check() {
        calls.run("Pool_List", () -> client.pools().list(new PoolListOptions().withSelect("id").withMaxResults(1)).currentPage());
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
                Boolean.TRUE.equals(p.enableAutoScale()), containers, errors, metadata(p.metadata()),
                instant(p.creationTime()),
                (p.currentDedicatedNodes() == null ? 0 : p.currentDedicatedNodes())
                        + (p.currentLowPriorityNodes() == null ? 0 : p.currentLowPriorityNodes()));
    }
}
