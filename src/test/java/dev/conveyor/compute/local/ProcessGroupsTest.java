package dev.conveyor.compute.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task's process group is known by its leader's pid and start instant. When that pid has been
 * handed to another process since, the group by that number is someone else's: it must be neither
 * reported as the task's nor signalled.
 */
class ProcessGroupsTest {
    private Process other;

    @AfterEach
    void stopOther() {
        if (other != null) {
            other.destroyForcibly();
        }
    }

    /** A process leading a group (and session) of its own, like a task's wrapper. */
    private ProcessHandle groupLeader() throws Exception {
        String nap = "300." + String.format("%09d", Math.floorMod(System.nanoTime(), 1_000_000_000L));
        other = new ProcessBuilder("setsid", "sleep", nap).start();
        ProcessHandle h = other.toHandle();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessGroups.groupAlive(h.pid(), null));
        return h;
    }

    @Test
    void aGroupWhoseLeaderPidWasReusedIsNeitherAliveNorSignalled() throws Exception {
        ProcessHandle h = groupLeader();
        Instant recordedLongAgo = ProcessGroups.startInstant(h).minus(Duration.ofHours(1));

        assertThat(ProcessGroups.groupAlive(h.pid(), recordedLongAgo)).as("the task's group is gone").isFalse();
        ProcessGroups.signalGroup(h.pid(), recordedLongAgo, true);

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(h::isAlive);
    }

    @Test
    void theTasksOwnGroupIsAliveAndIsSignalled() throws Exception {
        ProcessHandle h = groupLeader();
        Instant recorded = ProcessGroups.startInstant(h);

        assertThat(ProcessGroups.groupAlive(h.pid(), recorded)).isTrue();
        ProcessGroups.signalGroup(h.pid(), recorded, true);

        await().atMost(Duration.ofSeconds(10)).until(() -> !h.isAlive());
        assertThat(ProcessGroups.groupAlive(h.pid(), recorded)).isFalse();
    }
}
