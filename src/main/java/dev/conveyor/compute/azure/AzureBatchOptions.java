package dev.conveyor.compute.azure;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's Azure Batch options ({@code runsOn.with} over the profile's defaults), under the names
 * users bring from ddeutil-workflow ({@code batch_account_*}, {@code BatchPoolConfig} /
 * {@code BatchJobConfig} / {@code BatchTaskConfig} fields) and Covalent's Azure Batch executor
 * ({@code tenant_id}, {@code client_id}, {@code base_image_uri}, {@code time_limit}, …). The README's
 * "Azure Batch" table lists each with its meaning. An unknown option is refused (a typo would
 * otherwise silently change nothing).
 */
record AzureBatchOptions(AzureAccount account, String poolId, String vmSize, int dedicatedNodes, int lowPriorityNodes,
                         int taskSlotsPerNode, String autoScaleFormula, Duration autoScaleInterval,
                         String imagePublisher, String imageOffer, String imageSku, String imageVersion,
                         String nodeAgentSkuId, String startTask, String containerRegistry, String containerUser,
                         String containerPassword, List<String> containerImages, String defaultImage, int priority,
                         Duration jobMaxWallClock, Duration taskMaxWallClock, Duration retention) {

    static final Set<String> KNOWN = new TreeSet<>(Arrays.asList(
            // the account (ddeutil's runs-on.with; Covalent's executor)
            "batch_account_name", "batch_account_key", "batch_account_url", "batch_account_domain",
            "storage_account_name", "storage_account_key", "storage_account_domain",
            "tenant_id", "client_id", "client_secret",
            // the pool
            "pool_id", "vm_size", "node_count", "dedicated_node_count", "low_priority_node_count", "spot_node_count",
            "max_tasks_per_node", "task_slots_per_node", "enable_auto_scale", "auto_scale_formula",
            "auto_scale_evaluation_interval", "image_publisher", "image_offer", "image_sku", "image_version",
            "node_agent_sku_id", "start_task", "container_registry", "container_registry_username",
            "container_registry_password", "container_images", "base_image_uri",
            // the job and its tasks
            "priority", "uses_task_dependencies", "max_wall_clock_time", "retention_time", "time_limit",
            "retries", "poll_freq"));

    static AzureBatchOptions of(BackendJob job) {
        Map<String, String> o = job.options();
        Set<String> unknown = new TreeSet<>(o.keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new TerminalComputeException("UnknownOption", "unknown azure-batch option(s) " + unknown
                    + " (known: " + String.join(", ", KNOWN) + ")", null);
        }
        AzureAccount p = job.profile() == null ? null : job.profile().azure();
        AzureAccount account = new AzureAccount(
                pick(o.get("batch_account_name"), p == null ? null : p.batchAccountName()),
                accountUrl(o, p),
                secret(o.get("batch_account_key"), p == null ? null : p.batchAccountKey()),
                pick(o.get("storage_account_name"), p == null ? null : p.storageAccountName()),
                null, // the service's object store holds the files; its account is the store's
                p == null ? null : p.blobEndpoint(),
                pick(o.get("tenant_id"), p == null ? null : p.tenantId()),
                pick(o.get("client_id"), p == null ? null : p.clientId()),
                secret(o.get("client_secret"), p == null ? null : p.clientSecret()),
                p != null && p.managedIdentity());
        boolean autoScale = bool(o, "enable_auto_scale", false);
        String formula = o.get("auto_scale_formula");
        if (autoScale && (formula == null || formula.isBlank())) {
            throw bad("enable_auto_scale", "needs auto_scale_formula");
        }
        String dedicated = pick(o.get("dedicated_node_count"), o.get("node_count"));
        String low = pick(o.get("low_priority_node_count"), o.get("spot_node_count"));
        List<String> images = new ArrayList<>();
        if (o.get("container_images") != null) {
            for (String s : o.get("container_images").split("[,\\s]+")) {
                if (!s.isBlank()) {
                    images.add(s.trim());
                }
            }
        }
        String baseImage = o.get("base_image_uri");
        if (baseImage != null && !images.contains(baseImage)) {
            images.add(baseImage);
        }
        Duration timeLimit = o.get("time_limit") == null ? null : Duration.ofSeconds(integer(o, "time_limit", 0));
        return new AzureBatchOptions(account,
                o.get("pool_id"),
                pick(o.get("vm_size"), "standard_d2s_v3"),
                integer(o, dedicated == null ? null : (o.containsKey("dedicated_node_count") ? "dedicated_node_count" : "node_count"),
                        low == null ? 1 : 0),
                integer(o, low == null ? null : (o.containsKey("low_priority_node_count") ? "low_priority_node_count" : "spot_node_count"), 0),
                integer(o, o.containsKey("task_slots_per_node") ? "task_slots_per_node" : "max_tasks_per_node", 1),
                autoScale ? formula : null,
                duration(o, "auto_scale_evaluation_interval", Duration.ofMinutes(5)),
                pick(o.get("image_publisher"), "canonical"),
                pick(o.get("image_offer"), "0001-com-ubuntu-server-jammy"),
                pick(o.get("image_sku"), "22_04-lts"),
                pick(o.get("image_version"), "latest"),
                pick(o.get("node_agent_sku_id"), "batch.node.ubuntu 22.04"),
                o.get("start_task"),
                o.get("container_registry"),
                o.get("container_registry_username"),
                o.get("container_registry_password"),
                List.copyOf(images),
                baseImage,
                priority(o),
                duration(o, "max_wall_clock_time", null),
                timeLimit,
                duration(o, "retention_time", Duration.ofDays(1)));
    }

    /** The pool this job runs on when it names none: one per VM size and image, shared by the jobs that ask the same. */
    String poolIdOrDefault() {
        if (poolId != null) {
            return poolId;
        }
        String key = vmSize + "|" + imagePublisher + "|" + imageOffer + "|" + imageSku + "|" + nodeAgentSkuId + "|"
                + dedicatedNodes + "|" + lowPriorityNodes + "|" + taskSlotsPerNode + "|" + autoScaleFormula + "|"
                + String.join(",", containerImages) + "|" + startTask;
        return "conveyor-" + AzureIds.hash(key);
    }

    BatchTypes.PoolSpec poolSpec(String id, Map<String, String> metadata) {
        return new BatchTypes.PoolSpec(id, vmSize, imagePublisher, imageOffer, imageSku, imageVersion, nodeAgentSkuId,
                dedicatedNodes, lowPriorityNodes, taskSlotsPerNode, autoScaleFormula, autoScaleInterval, startTask,
                containerRegistry, containerUser, containerPassword, containerImages, metadata);
    }

    @Override
    public String toString() { // holds credentials
        return "AzureBatchOptions[" + poolId + "]";
    }

    private static String accountUrl(Map<String, String> o, AzureAccount p) {
        String url = o.get("batch_account_url");
        if (url == null && o.get("batch_account_name") != null && o.get("batch_account_domain") != null) {
            url = "https://" + o.get("batch_account_name") + "." + o.get("batch_account_domain"); // Covalent's form
        }
        if (url != null && !url.contains("://")) {
            url = "https://" + url;
        }
        return pick(url, p == null ? null : p.batchAccountUrl());
    }

    private static int priority(Map<String, String> o) {
        int p = integer(o, "priority", 0);
        if (p < -1000 || p > 1000) {
            throw bad("priority", "must be between -1000 and 1000");
        }
        return p;
    }

    private static String pick(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static Secret secret(String given, Secret fallback) {
        Secret s = Secret.of(given);
        return s != null ? s : fallback;
    }

    private static boolean bool(Map<String, String> o, String key, boolean dflt) {
        String v = o.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw bad(key, "must be true or false");
        };
    }

    private static int integer(Map<String, String> o, String key, int dflt) {
        String v = key == null ? null : o.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 && !key.equals("priority")) {
                throw bad(key, "must not be negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(key, "must be a whole number");
        }
    }

    /** ISO-8601 ({@code PT1H}), or a number of seconds, or {@code 90s} / {@code 10m} / {@code 2h} / {@code 1d}. */
    static Duration duration(Map<String, String> o, String key, Duration dflt) {
        String v = o.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        String s = v.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(s));
            }
            if (s.matches("\\d+[smhd]")) {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                return switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        } catch (DateTimeParseException | ArithmeticException ignored) {
            // refused below
        }
        throw bad(key, "is not a duration (PT1H, 3600, 60m)");
    }

    private static TerminalComputeException bad(String key, String why) {
        return new TerminalComputeException("InvalidOption", "azure-batch option " + key + " " + why, null);
    }
}
