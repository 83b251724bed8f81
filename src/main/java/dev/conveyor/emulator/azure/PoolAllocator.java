package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pool sizing: allocationState resizing for {@code delay}, then steady with the target node counts; nodes appear
 * and disappear, and the scheduler is told. Also evaluates the simple autoscale formulas the emulator understands.
 */
final class PoolAllocator {
    private static final Pattern ASSIGNMENT = Pattern.compile("\\$(TargetDedicatedNodes|TargetLowPriorityNodes)\\s*=\\s*([^;]+);?");

    private final BatchState state;
    private final ScheduledExecutorService timers;
    private final Duration delay;
    private final Runnable onNodesChanged;
    private final Consumer<Entities.Node> evictTasks;
    /** Dedicated nodes across the account's pools at most (null: no limit). */
    private final Integer dedicatedQuota;
    /** Where start tasks run. */
    private final java.util.concurrent.ExecutorService startTasks;

    PoolAllocator(BatchState state, ScheduledExecutorService timers, Duration delay, Runnable onNodesChanged,
                  Consumer<Entities.Node> evictTasks, Integer dedicatedQuota,
                  java.util.concurrent.ExecutorService startTasks) {
        this.dedicatedQuota = dedicatedQuota;
        this.startTasks = startTasks;
        this.state = state;
        this.timers = timers;
        this.delay = delay;
        this.onNodesChanged = onNodesChanged;
        this.evictTasks = evictTasks;
    }

    /** Starts a resize towards the targets. Call holding the state lock. */
    void resize(Entities.Pool pool, int dedicated, int lowPriority) {
        ObjectNode json = pool.json;
        json.put("targetDedicatedNodes", dedicated);
        json.put("targetLowPriorityNodes", lowPriority);
        setAllocationState(json, "resizing");
        long generation = ++pool.allocationGeneration;
        timers.schedule(() -> {
            synchronized (state) {
                if (pool.allocationGeneration != generation || state.poolOrNull(pool.id()) != pool) return;
                if (!"active".equals(pool.json.path("state").asText())) return;
                applyNodes(pool, dedicated, lowPriority);
                setAllocationState(pool.json, "steady");
            }
            onNodesChanged.run();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops a resize where it is. Call holding the state lock. */
    void stop(Entities.Pool pool) {
        pool.allocationGeneration++;
        if (!"steady".equals(pool.json.path("allocationState").asText())) setAllocationState(pool.json, "steady");
    }

    /** Removes every node (pool deletion), evicting the tasks on them. Call holding the state lock. */
    void releaseAll(Entities.Pool pool) {
        pool.allocationGeneration++;
        for (Entities.Node node : new ArrayList<>(pool.nodes)) evictTasks.accept(node);
        pool.nodes.clear();
        pool.json.put("currentDedicatedNodes", 0);
        pool.json.put("currentLowPriorityNodes", 0);
    }

    private void applyNodes(Entities.Pool pool, int dedicated, int lowPriority) {
        int granted = dedicated;
        if (dedicatedQuota != null) {
            int elsewhere = state.pools().stream().filter(p -> p != pool).mapToInt(p -> count(p, true)).sum();
            granted = Math.min(dedicated, Math.max(0, dedicatedQuota - elsewhere));
        }
        if (granted < dedicated) { // as Azure does: what is left of the quota, and a resize error that says why
            ObjectNode error = pool.json.putArray("resizeErrors").addObject();
            error.put("code", "AccountCoreQuotaReached");
            error.put("message", "The specified account has reached its dedicated core quota: " + granted + " of "
                    + dedicated + " dedicated node(s) could be allocated (the emulator's quota is " + dedicatedQuota
                    + " node(s)).");
        } else {
            pool.json.remove("resizeErrors");
        }
        dedicated = granted;
        adjust(pool, true, dedicated);
        adjust(pool, false, lowPriority);
        pool.json.put("currentDedicatedNodes", count(pool, true));
        pool.json.put("currentLowPriorityNodes", count(pool, false));
    }

    private void adjust(Entities.Pool pool, boolean dedicated, int target) {
        List<Entities.Node> kind = new ArrayList<>(pool.nodes.stream().filter(n -> n.dedicated == dedicated).toList());
        int index = 0;
        while (kind.size() < target) {
            String id = nodeId(pool.id(), dedicated, index++);
            if (pool.nodes.stream().anyMatch(n -> n.id.equals(id))) continue;
            Entities.Node node = new Entities.Node(id, dedicated);
            pool.nodes.add(node);
            kind.add(node);
            String image = unpullable(pool);
            if (image != null) { // as Azure does when a pool's images cannot be prefetched: the node never takes a task
                node.state = "unusable";
                node.error = new String[] {"ContainerInvalidImage", "One or more container images specified are invalid",
                        image};
                continue;
            }
            startTask(pool, node);
        }
        // shrink: idle nodes go first; busy ones have their tasks requeued (nodeDeallocationOption requeue)
        kind.sort((a, b) -> Integer.compare(a.usedSlots, b.usedSlots));
        while (kind.size() > target) {
            Entities.Node node = kind.remove(0);
            evictTasks.accept(node);
            pool.nodes.remove(node);
        }
    }

    /**
     * Runs the pool's start task on a new node, as Batch does before the node takes tasks: {@code waitingforstarttask}
     * meanwhile, then {@code idle}, or {@code starttaskfailed} on a non-zero exit when {@code waitForSuccess} (the
     * node then never takes a task). Call holding the state lock.
     */
    private void startTask(Entities.Pool pool, Entities.Node node) {
        String command = pool.json.path("startTask").path("commandLine").asText("");
        if (command.isBlank()) {
            return;
        }
        boolean waits = pool.json.path("startTask").path("waitForSuccess").asBoolean(true);
        node.state = waits ? "waitingforstarttask" : "idle";
        java.nio.file.Path dir = state.workDir.resolve("nodes").resolve(node.id).resolve("startup");
        startTasks.execute(() -> {
            int exit;
            try {
                java.nio.file.Files.createDirectories(dir);
                Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile())
                        .redirectOutput(dir.resolve("stdout.txt").toFile())
                        .redirectError(dir.resolve("stderr.txt").toFile()).start();
                exit = p.waitFor();
            } catch (java.io.IOException e) {
                exit = 127;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (state) {
                node.startTaskExitCode = exit;
                if (waits) {
                    node.state = exit == 0 ? "idle" : "starttaskfailed";
                }
            }
            onNodesChanged.run();
        });
    }

    /** The first of the pool's container images on a registry that cannot exist (RFC 2606 {@code .invalid}), or null. */
    private static String unpullable(Entities.Pool pool) {
        var images = pool.json.path("virtualMachineConfiguration").path("containerConfiguration").path("containerImageNames");
        for (var image : images) {
            String name = image.asText("");
            if (name.contains(".invalid/") || name.endsWith(".invalid")) {
                return name;
            }
        }
        return null;
    }

    private static int count(Entities.Pool pool, boolean dedicated) {
        return (int) pool.nodes.stream().filter(n -> n.dedicated == dedicated).count();
    }

    private static void setAllocationState(ObjectNode json, String allocationState) {
        json.put("allocationState", allocationState);
        json.put("allocationStateTransitionTime", Json.now());
    }

    static String nodeId(String poolId, boolean dedicated, int index) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((poolId + "/" + dedicated + "/" + index).getBytes(StandardCharsets.UTF_8));
            return "tvmps_" + HexFormat.of().formatHex(digest) + (dedicated ? "_d" : "_p");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Evaluates an autoscale formula. Understood: assignments of $TargetDedicatedNodes / $TargetLowPriorityNodes to
     * an integer, or to min(a,b)/max(a,b) of integers. Anything else counts as 0 nodes.
     */
    static int[] evaluate(String formula) {
        if (formula == null || formula.isBlank()) {
            throw BatchException.invalidProperty("autoScaleFormula", formula, "The autoscale formula is empty.");
        }
        int[] targets = {0, 0};
        Matcher m = ASSIGNMENT.matcher(formula);
        while (m.find()) {
            int value = integer(m.group(2).trim());
            if (m.group(1).equals("TargetDedicatedNodes")) targets[0] = value; else targets[1] = value;
        }
        return targets;
    }

    private static int integer(String expr) {
        Matcher fn = Pattern.compile("(?i)(min|max)\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)").matcher(expr);
        if (fn.matches()) {
            int a = Integer.parseInt(fn.group(2));
            int b = Integer.parseInt(fn.group(3));
            return fn.group(1).equalsIgnoreCase("min") ? Math.min(a, b) : Math.max(a, b);
        }
        try {
            return Math.max(0, Integer.parseInt(expr));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String results(int[] targets) {
        return "$TargetDedicatedNodes=" + targets[0] + ";$TargetLowPriorityNodes=" + targets[1]
                + ";$NodeDeallocationOption=requeue";
    }
}
