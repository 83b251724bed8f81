package dev.conveyor.model;

/**
 * Files a task produces: a glob {@code pattern} relative to the task's working directory, uploaded
 * to the object store when the task ends in a state matched by {@code when}.
 */
public record OutputSpec(String pattern, When when) {
    public enum When {
        SUCCESS, FAILURE, ALWAYS;

        public boolean matches(TaskState state) {
            return switch (this) {
                case SUCCESS -> state == TaskState.SUCCEEDED;
                case FAILURE -> state != TaskState.SUCCEEDED;
                case ALWAYS -> true;
            };
        }
    }
}
