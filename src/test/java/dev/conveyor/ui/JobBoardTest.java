package dev.conveyor.ui;

import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class JobBoardTest {

    @Test
    void aFullBoardForgetsItsOldestJobsAndKeepsTheNewest(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 100, 50_000, Clock.fixed(t0, ZoneOffset.UTC));
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
    void theListIsNewestFirstAndAJobWhoseEarlierEventComesLateAgesWithIt(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 3, 50_000, Clock.fixed(t0, ZoneOffset.UTC));
        board.accept(event("a", t0.plusSeconds(10)));
        board.accept(event("b", t0.plusSeconds(30)));
        board.accept(event("c", t0.plusSeconds(20)));
        assertThat(ids(board)).containsExactly("b", "c", "a");

        // b's earlier event arrives after its later one: b was first seen at 5 s, the oldest now
        board.accept(event("b", t0.plusSeconds(5)));
        assertThat(ids(board)).containsExactly("c", "a", "b");

        // a fourth job: the oldest by first sight (b) goes, not the first to arrive (a)
        board.accept(event("d", t0.plusSeconds(40)));
        assertThat(ids(board)).containsExactly("d", "c", "a");
        assertThat(board.job("b")).isEmpty();
    }

    private static List<String> ids(JobBoard board) {
        return board.page(new JobBoard.JobFilter(null, null, null, null), 1, 100).jobs().stream()
                .map(JobSummary::id).toList();
    }

    @Test
    void aBoardOfOneKeepsTheLatestJob(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 1, 50_000, Clock.fixed(t0, ZoneOffset.UTC));
        board.accept(event("a", t0));
        board.accept(event("b", t0.plusSeconds(1)));
        assertThat(board.job("b")).isPresent();
        assertThat(board.job("a")).isEmpty();
    }

    @Test
    void jobsOfManyTasksKeepTheBoardWithinItsEventBudgetAndEachJobItsNewestEvents(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 5000, 20_000, Clock.fixed(t0, ZoneOffset.UTC));
        // 1,000 jobs of 300 task events each (without the budget: 200 each, 200,000 events held), two jobs at a time
        int most = 0;
        for (int j = 0; j < 1000; j += 2) {
            for (int t = 0; t < 300; t++) {
                for (int k = j; k < j + 2; k++) {
                    board.accept(taskEvent("job-" + k, "t" + t, t0.plusSeconds(k).plusMillis(t)));
                    most = Math.max(most, board.heldEvents());
                }
            }
        }

        assertThat(most).isLessThanOrEqualTo(20_000);
        assertThat(board.heldEvents()).isLessThanOrEqualTo(20_000);
        for (int k = 0; k < 1000; k += 111) {
            List<JobStatusEvent> events = board.job("job-" + k).orElseThrow().events();
            assertThat(events.size()).as("job-%d's events", k).isBetween(JobBoard.MIN_EVENTS_PER_JOB, JobRow.MAX_EVENTS);
            List<String> newest = new ArrayList<>();
            for (int t = 300 - events.size(); t < 300; t++) {
                newest.add("t" + t);
            }
            assertThat(events).extracting(JobStatusEvent::task).as("job-%d's events", k).isEqualTo(newest);
        }
        // the jobs still running when the budget was last spread keep more than the floor
        assertThat(board.job("job-999").orElseThrow().events()).hasSizeGreaterThan(JobBoard.MIN_EVENTS_PER_JOB);
    }

    @Test
    void aBoardWithinItsBudgetKeepsEachJobsLast200Events(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-12-06T00:00:00Z");
        JobBoard board = new JobBoard(new FileObjectStore(dir), 5000, 50_000, Clock.fixed(t0, ZoneOffset.UTC));
        for (int k = 0; k < 10; k++) {
            for (int t = 0; t < 300; t++) {
                board.accept(taskEvent("job-" + k, "t" + t, t0.plusSeconds(k).plusMillis(t)));
            }
        }
        assertThat(board.heldEvents()).isEqualTo(10 * JobRow.MAX_EVENTS);
        assertThat(board.job("job-0").orElseThrow().events()).extracting(JobStatusEvent::task)
                .startsWith("t100").endsWith("t299").hasSize(JobRow.MAX_EVENTS);
    }

    private static JobStatusEvent taskEvent(String jobId, String task, Instant time) {
        return new JobStatusEvent(jobId, "monitoring", "SUCCEEDED", task, null, "task " + task + " ended", null, time);
    }

    private static JobStatusEvent event(String jobId, Instant time) {
        return new JobStatusEvent(jobId, "submission", "REJECTED", null, null, "test", null, time);
    }
}
