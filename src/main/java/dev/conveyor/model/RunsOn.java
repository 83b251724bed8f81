package dev.conveyor.model;

import java.util.Map;

/** Where a job runs: a provider type ({@code local}, {@code azure-batch}, {@code aws-batch}, {@code noop}) and its options. */
public record RunsOn(String type, Map<String, String> with) {
}
