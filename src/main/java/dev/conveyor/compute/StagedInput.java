package dev.conveyor.compute;

/**
 * An object (or, with {@code prefix}, every object under a key prefix) to place at {@code path}
 * relative to the task's working directory. For a prefix, each object lands at
 * {@code path + (key minus prefix)}.
 */
public record StagedInput(String key, String path, boolean prefix) {
}
