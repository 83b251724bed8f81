package dev.conveyor.ui;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;

/** One page of the jobs list, with what the filter controls offer. */
@TemplateData
public record JobPage(List<JobSummary> jobs, int page, int pages, int total, Map<String, Integer> states,
                      List<String> backends, JobBoard.JobFilter filter) {
    public String previous() {
        return page > 1 ? "/ui" + filter.query(page - 1) : null;
    }

    public String next() {
        return page < pages ? "/ui" + filter.query(page + 1) : null;
    }

    public String stateFilter() {
        return filter.state() == null ? "" : filter.state();
    }

    public String labelFilter() {
        return filter.label() == null ? "" : filter.label();
    }

    public String backendFilter() {
        return filter.backend() == null ? "" : filter.backend();
    }

    public String search() {
        return filter.q() == null ? "" : filter.q();
    }
}
