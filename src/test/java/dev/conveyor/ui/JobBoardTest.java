package dev.conveyor.ui;

import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class JobBoardTest {

    @Test
    void aFullBoardForgetsItsOldestJobsAndKeepsTheNewest(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 100, Clock.fixed(t0, ZoneOffset.UTC));
        // 1,100 jobs, each first seen a second after the one before; job-7's first event comes late, stamped early
        for (int i = 0; i < 1100; i++) {
            if (i != 7) {
                board.accept(event("job-" + i, t0.plusSeconds(i)));
            }
            if (i == 1000) {
                board.accept(event("job-7", t0.plusSeconds(7)));
            }
        }

        Set<String> kept = board.page(new JobBoard.JobFilter(null, null, null, null), 1, 1000).jobs().stream()
                .map(JobSummary::id).collect(Collectors.toSet());
        assertThat(kept.size()).isBetween(98, 100);
        Set<String> newest = new HashSet<>();
        for (int i = 1100 - kept.size(); i < 1100; i++) {
            newest.add("job-" + i);
        }
        assertThat(kept).isEqualTo(newest);
        assertThat(board.job("job-1099")).isPresent();
        assertThat(board.job("job-7")).isEmpty();
    }

    @Test
    void aBoardOfOneKeepsTheLatestJob(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 1, Clock.fixed(t0, ZoneOffset.UTC));
        board.accept(event("a", t0));
        board.accept(event("b", t0.plusSeconds(1)));
        assertThat(board.job("b")).isPresent();
        assertThat(board.job("a")).isEmpty();
    }

    private static JobStatusEvent event(String jobId, Instant time) {
        return new JobStatusEvent(jobId, "submission", "REJECTED", null, null, "test", null, time);
    }
}
