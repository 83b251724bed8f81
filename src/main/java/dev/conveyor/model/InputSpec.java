package dev.conveyor.model;

/**
 * A file a task finds in its working directory at {@code path}: either inline {@code content}
 * or copied from {@code source} (a {@code file:}, {@code http(s):} URI). Exactly one is set.
 */
public record InputSpec(String path, String content, String source) {
}
