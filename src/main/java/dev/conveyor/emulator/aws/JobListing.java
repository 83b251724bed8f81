package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ListJobs selection: by {@code jobStatus} (RUNNING when absent), or by {@code filters} (JOB_NAME,
 * JOB_DEFINITION, BEFORE_CREATED_AT, AFTER_CREATED_AT; then every status), newest first, paged.
 */
final class JobListing {

    record Filter(JobStatus status, String name, Object value) {
    }

    Filter filter(JsonNode request) {
        JsonNode filters = request.get("filters");
        if (filters != null && filters.isArray() && filters.size() > 0) {
            if (filters.size() > 1) {
                throw ApiException.client("Only one filter can be specified");
            }
            JsonNode f = filters.get(0);
            String name = Requests.required(f, "name");
            JsonNode values = f.get("values");
            if (values == null || values.size() != 1) {
                throw ApiException.client("A filter needs exactly one value");
            }
            String value = values.get(0).asText();
            return switch (name) {
                case "JOB_NAME", "JOB_DEFINITION" -> new Filter(null, name, RetryPolicy.glob(value));
                case "BEFORE_CREATED_AT", "AFTER_CREATED_AT" -> new Filter(null, name, parseLong(value));
                default -> throw ApiException.client("Unknown filter name " + name);
            };
        }
        String status = Requests.text(request, "jobStatus");
        try {
            return new Filter(status == null ? JobStatus.RUNNING : JobStatus.valueOf(status), null, null);
        } catch (IllegalArgumentException e) {
            throw ApiException.client("Invalid jobStatus " + status);
        }
    }

    Paging.Page<BatchJob> page(List<BatchJob> candidates, Filter filter, JsonNode request) {
        List<BatchJob> selected = new ArrayList<>();
        for (BatchJob job : candidates) {
            if (matches(job, filter)) {
                selected.add(job);
            }
        }
        selected.sort(Comparator.comparing(JobListing::key));
        return Paging.page(selected, JobListing::key, request, 100, 1000);
    }

    private static boolean matches(BatchJob job, Filter filter) {
        if (filter.name() == null) {
            return job.status == filter.status();
        }
        return switch (filter.name()) {
            case "JOB_NAME" -> ((Pattern) filter.value()).matcher(job.spec.jobName()).matches();
            case "JOB_DEFINITION" -> {
                Pattern p = (Pattern) filter.value();
                JobDefinition d = job.spec.definition();
                yield p.matcher(d.name()).matches() || p.matcher(d.name() + ":" + d.revision()).matches()
                        || p.matcher(d.arn()).matches();
            }
            case "BEFORE_CREATED_AT" -> job.createdAt < (Long) filter.value();
            default -> job.createdAt > (Long) filter.value();
        };
    }

    /** Newest first: later submissions have smaller keys. */
    private static String key(BatchJob job) {
        return String.format("%019d", Long.MAX_VALUE - job.seq);
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.client("Created-at filters take epoch milliseconds");
        }
    }
}
