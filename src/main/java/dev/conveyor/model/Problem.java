package dev.conveyor.model;

/** One thing wrong with a request: a JSON path (e.g. {@code $.tasks[1].needs[0]}) and a reason. */
public record Problem(String path, String message) {
}
