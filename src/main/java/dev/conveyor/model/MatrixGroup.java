package dev.conveyor.model;

import java.util.List;

/**
 * The cells of one matrix task: dispatch runs at most {@code maxParallel} of {@code tasks} at once
 * (0 = no limit beyond the provider's own) and, with {@code failFast}, cancels the group's other
 * cells (running ones stopped, pending ones not started) as soon as one of them fails for good
 * (after its retries).
 *
 * @param id    the matrix task's id in the request (every cell's {@link TaskSpec#group()})
 * @param tasks the cells' task ids, in matrix order
 */
public record MatrixGroup(String id, List<String> tasks, int maxParallel, boolean failFast) {
}
