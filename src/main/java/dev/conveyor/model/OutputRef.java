package dev.conveyor.model;

/**
 * A value a task reads from a task it (transitively) needs: the command's
 * {@code ${{ needs.<task>.outputs.<key> }}} became {@code "${<env>}"}, and the provider sets
 * environment variable {@code env} (always {@code CONVEYOR_NEEDS_<TASK>_<KEY>}, upper case, other
 * characters than letters and digits as {@code _}) to the output value {@code key} of task
 * {@code task} before the task starts.
 */
public record OutputRef(String task, String key, String env) {
}
