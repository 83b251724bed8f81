package dev.conveyor.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The web view ({@code /ui}), prefix {@code conveyor.ui}. */
@ConfigMapping(prefix = "conveyor.ui")
public interface UiConfig {
    /** Serve {@code /ui} and follow the status topic for it; false = neither (404 under /ui). */
    @WithDefault("true")
    boolean enabled();

    /** How far back the status topic is read when the process starts (the jobs the list knows). */
    @WithDefault("24h")
    Duration history();

    /** Jobs kept in memory for the list; the oldest are forgotten first (their pages still open from the store). */
    @WithDefault("5000")
    int maxJobs();

    /** Rows per page of the jobs list. */
    @WithDefault("50")
    int pageSize();

    /** Validity of the URL minted for one click on an output file. */
    @WithDefault("60s")
    Duration linkValidity();
}
