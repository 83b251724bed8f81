package dev.conveyor.model;

import java.util.Map;

/**
 * Where a job runs: a backend type ({@code local}, {@code azure-batch}, {@code aws-batch},
 * {@code noop}), its options, and the credential profile to use ({@code default} when null).
 */
public record RunsOn(String type, Map<String, String> with, String profile) {
    public RunsOn(String type, Map<String, String> with) {
        this(type, with, null);
    }
}
