package dev.conveyor.engine;

import dev.conveyor.model.OutputSpec;
import dev.conveyor.storage.SignedUrl;

import java.util.List;
import java.util.Map;

/**
 * Everything one attempt's task wrapper needs.
 *
 * @param env       the task's environment (params, its env, templates, matrix values, upstream
 *                  values, {@code CONVEYOR_*} ids); paths the wrapper sets itself
 * @param needsJson the upstream values as JSON, written to the file named by {@code $CONVEYOR_NEEDS}
 * @param fetches   files to download before the command runs (empty when the backend places them)
 * @param returns   where to upload what the attempt leaves, or null when the backend collects
 *                  {@code .conveyor/return/} itself (native file transfer)
 */
public record WrapperPlan(String jobId, String taskId, int attempt, String command, Map<String, String> env,
                          String needsJson, List<Fetch> fetches, List<OutputSpec> outputs, Returns returns) {

    /** A download: {@code url} to {@code path}, relative to the attempt's base folder (inputs go below {@code work/}). */
    public record Fetch(String path, SignedUrl url) {
    }

    /** Upload targets for an attempt's results; {@code exitCode} is written last, so its presence means "all there". */
    public record Returns(SignedUrl stdout, SignedUrl stderr, SignedUrl values, SignedUrl outputs, SignedUrl exitCode) {
    }
}
