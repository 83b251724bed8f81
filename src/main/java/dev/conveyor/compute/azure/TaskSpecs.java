package dev.conveyor.compute.azure;

import dev.conveyor.compute.TaskFiles;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.azure.BatchTypes.InputFile;
import dev.conveyor.compute.azure.BatchTypes.OutputFiles;
import dev.conveyor.compute.azure.BatchTypes.TaskSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One ready attempt as a Batch task. With native files (a store that hands out http(s) container
 * grants, like Azure Blob) the wrapper script and the inputs are resource files (blob SAS URLs),
 * upstream output folders are a container resource file (container SAS, blob prefix) copied into
 * place by the command line, and everything the wrapper leaves in {@code .conveyor/return/} is an
 * output file uploaded on task completion (write-only container SAS of the job's own container)
 * to the attempt's prefix. Otherwise the command line fetches and returns through URLs itself.
 */
final class TaskSpecs {
    /** Where prefix inputs land before the command line copies them into place. */
    private static final String PREFIX_DIR = ".conveyor/in/";

    private TaskSpecs() {
    }

    static TaskSpec of(TaskLaunch l, AzureBatchOptions options, boolean poolRunsContainers) {
        TaskFiles files = l.files();
        List<InputFile> inputs = new ArrayList<>();
        List<OutputFiles> outputs = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        if (files != null && files.returnGrant() != null && http(files.returnGrant().containerUrl().getScheme())) {
            inputs.add(new InputFile(TaskFiles.SCRIPT_PATH, files.script().url().toString(), null, null));
            for (TaskFiles.InputFile f : files.inputs()) {
                inputs.add(new InputFile(f.path(), f.url().url().toString(), null, null));
            }
            int n = 0;
            for (TaskFiles.InputPrefix p : files.inputPrefixes()) {
                String landing = PREFIX_DIR + n++;
                String blobPrefix = p.grant().path();
                inputs.add(new InputFile(landing, null, p.grant().containerUrl().toString(), blobPrefix));
                // Azure keeps each blob's full name below filePath: move the prefix's content to where the task expects it.
                String from = landing + "/" + blobPrefix;
                command.append("if [ -d ").append(q(from)).append(" ]; then mkdir -p ").append(q(p.path()))
                        .append(" && cp -R ").append(q(from + (from.endsWith("/") ? "." : "/."))).append(' ').append(q(p.path()))
                        .append("; fi; ");
            }
            String path = files.returnGrant().path();
            outputs.add(new OutputFiles(AzureBatchComputeBackend.RETURN_PATTERN, files.returnGrant().containerUrl().toString(),
                    path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
        }
        command.append(l.command());
        String image = l.image() != null ? l.image() : options.defaultImage();
        Duration wallClock = l.timeoutSeconds() > 0 ? Duration.ofSeconds(l.timeoutSeconds()) : options.taskMaxWallClock();
        return new TaskSpec(AzureIds.task(l.taskId(), l.attempt()), "/bin/sh -c " + q(command.toString()), l.env(), inputs,
                outputs, poolRunsContainers ? image : null, wallClock, options.retention());
    }

    private static boolean http(String scheme) {
        return "https".equals(scheme) || "http".equals(scheme);
    }

    /** Single-quoted for sh. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
