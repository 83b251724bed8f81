package dev.conveyor.compute;

/**
 * What one attempt needs: vCPUs, memory in MiB, GPUs. Zero means "the backend's default"
 * (the pool's VM size on Azure, the job definition's on AWS).
 */
public record Resources(double cpus, long memoryMiB, int gpus) {
    public static final Resources DEFAULT = new Resources(0, 0, 0);
}
