package dev.conveyor.compute;

import java.util.Map;

/**
 * One ready attempt of one task, as the engine hands it to a backend.
 *
 * @param submissionId deterministic for (job, task, attempt): backends name their job/task after
 *                     it, so a repeated submit finds the first one ({@link #safeId} makes it fit)
 * @param command      the command line to run with {@code sh -c} in a fresh working directory:
 *                     it fetches this attempt's task wrapper and runs it
 * @param env          variables the backend sets for the command (small; the wrapper sets the task's own)
 * @param image        container image, or null for the backend's default
 * @param timeoutSeconds wall-clock limit of this attempt, 0 = none (the engine enforces it too)
 * @param arrayGroup   set when this launch is a cell of an array the backend may submit as one job
 *                     (only when {@link Capabilities#arrayJobs()}); cells of one group share
 *                     everything but {@code arrayIndex} and their files
 * @param files        the attempt's files in the object store, for backends with native file transfer
 */
public record TaskLaunch(
        String taskId,
        int attempt,
        String submissionId,
        String command,
        Map<String, String> env,
        String image,
        Resources resources,
        long timeoutSeconds,
        String arrayGroup,
        int arrayIndex,
        TaskFiles files) {

    public TaskLaunch {
        env = env == null ? Map.of() : Map.copyOf(env);
        resources = resources == null ? Resources.DEFAULT : resources;
    }

    /**
     * {@code id} made to fit a backend's id rules: characters outside {@code [A-Za-z0-9_-]} become
     * '-', and an id longer than {@code max} keeps its head and ends in a hash of the whole, so
     * distinct ids stay distinct.
     */
    public static String safeId(String id, int max) {
        String s = id.replaceAll("[^A-Za-z0-9_-]", "-");
        if (s.length() <= max && s.equals(id)) {
            return s;
        }
        String hash = Integer.toHexString(id.hashCode() & 0x7fffffff);
        String tail = "-" + hash;
        return (s.length() + tail.length() <= max ? s : s.substring(0, Math.max(1, max - tail.length()))) + tail;
    }
}
