package dev.conveyor.compute.azure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The backend's own view of Azure Batch entities: plain records, no SDK types, so that only
 * {@link AzureBatchApi} (and the classes it delegates to) knows which SDK (and api-version) is spoken.
 */
final class BatchTypes {
    private BatchTypes() {
    }

    /** A pool to create when it is missing. */
    record PoolSpec(String id, String vmSize, String imagePublisher, String imageOffer, String imageSku,
                    String imageVersion, String nodeAgentSkuId, int dedicatedNodes, int lowPriorityNodes,
                    int taskSlotsPerNode, String autoScaleFormula, Duration autoScaleInterval, String startTask,
                    String containerRegistry, String containerUser, String containerPassword,
                    List<String> containerImages, Map<String, String> metadata) {
        boolean autoScale() {
            return autoScaleFormula != null && !autoScaleFormula.isBlank();
        }

        boolean containers() {
            return !containerImages.isEmpty() || containerRegistry != null;
        }

        @Override
        public String toString() { // containerPassword is a credential
            return "PoolSpec[" + id + ", " + vmSize + "]";
        }
    }

    /** What a pool looks like now; {@code nodes}: its dedicated and low-priority nodes now. */
    record PoolInfo(String id, String state, String allocationState, boolean autoScale, boolean containers,
                    List<String> resizeErrors, Map<String, String> metadata, Instant created, int nodes) {
    }

    /** A node: its state, its start task's exit code (null: none, or not yet), and its errors ({@code code: message}). */
    record NodeInfo(String id, String state, Integer startTaskExitCode, List<String> errors) {
        NodeInfo {
            errors = errors == null ? List.of() : List.copyOf(errors);
        }
    }

    /** The Batch job that stands for one Conveyor job. */
    record JobSpec(String id, String poolId, int priority, Duration maxWallClock, Map<String, String> metadata) {
    }

    record JobInfo(String id, String state, String poolId, Map<String, String> metadata) {
    }

    /** A file placed before the task runs: one blob ({@code httpUrl}) or every blob under a prefix of a container. */
    record InputFile(String filePath, String httpUrl, String containerUrl, String blobPrefix) {
        @Override
        public String toString() { // URLs carry SAS tokens
            return "InputFile[" + filePath + "]";
        }
    }

    /** Files matching {@code pattern} uploaded to {@code path} of a container when the task completes. */
    record OutputFiles(String pattern, String containerUrl, String path) {
        @Override
        public String toString() {
            return "OutputFiles[" + pattern + " -> " + path + "]";
        }
    }

    /** One task to add. */
    record TaskSpec(String id, String commandLine, Map<String, String> env, List<InputFile> inputs,
                    List<OutputFiles> outputs, String image, Duration maxWallClock, Duration retention) {
        /** Roughly how many bytes the task takes in an add-collection body (for chunking below 1 MB). */
        int estimatedBytes() {
            int n = 400 + id.length() + commandLine.length() + (image == null ? 0 : image.length());
            for (Map.Entry<String, String> e : env.entrySet()) {
                n += 40 + e.getKey().length() + e.getValue().length();
            }
            for (InputFile f : inputs) {
                n += 80 + len(f.filePath) + len(f.httpUrl) + len(f.containerUrl) + len(f.blobPrefix);
            }
            for (OutputFiles o : outputs) {
                n += 200 + len(o.pattern) + len(o.containerUrl) + len(o.path);
            }
            return n;
        }

        private static int len(String s) {
            return s == null ? 0 : s.length() + 16; // JSON escaping of '&' and '/' adds a little
        }

        @Override
        public String toString() {
            return "TaskSpec[" + id + "]";
        }
    }

    /** The answer for one task of an add-collection call: added, or the service's error. */
    record AddResult(String taskId, boolean added, boolean serverError, String code, String message) {
    }

    /** Task counts of one Batch job. */
    record Counts(int active, int running, int completed, int succeeded, int failed) {
    }

    /** What one task looks like now (only the properties the backend selects). */
    record TaskInfo(String id, String state, Integer exitCode, String failureCode, String failureMessage,
                    Instant startTime, Instant endTime, int requeueCount, String nodeId) {
    }
}
