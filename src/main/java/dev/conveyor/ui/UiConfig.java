package dev.conveyor.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** The web view ({@code /ui}), prefix {@code conveyor.ui}. */
@ConfigMapping(prefix = "conveyor.ui")
public interface UiConfig {
    /** Serve {@code /ui} and follow the status topic for it; false = neither (404 under /ui). */
    @WithDefault("true")
    boolean enabled();

    /** How far back the status topic is read when the process starts (the jobs the list knows). */
    @WithDefault("24h")
    @DurationMin(millis = 0)
    Duration history();

    /** Jobs kept in memory for the list; the oldest are forgotten first (their pages still open from the store). */
    @WithDefault("5000")
    @Min(1)
    int maxJobs();

    /**
     * Status events kept in memory for the job pages, all jobs together (each job keeps at most its
     * newest 200; under a full board every job is cut to its newest share, at least 5).
     */
    @WithDefault("50000")
    @Min(1)
    int maxEvents();

    /** Rows per page of the jobs list. */
    @WithDefault("50")
    @Min(1)
    int pageSize();

    /** Validity of the URL minted for one click on an output file. */
    @WithDefault("60s")
    @DurationMin(seconds = 1)
    Duration linkValidity();
}
