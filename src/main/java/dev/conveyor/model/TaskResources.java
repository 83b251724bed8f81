package dev.conveyor.model;

/** What one attempt of a task needs: vCPUs, memory in MiB, GPUs. Zero = the backend's default. */
public record TaskResources(double cpus, long memoryMiB, int gpus) {
    public static final TaskResources NONE = new TaskResources(0, 0, 0);
}
