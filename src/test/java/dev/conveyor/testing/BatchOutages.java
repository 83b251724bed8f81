package dev.conveyor.testing;

import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A job sent while a Batch emulator is down, through the whole service (the Azure and AWS pipeline tests). */
public final class BatchOutages {
    private BatchOutages() {
    }

    /** The backend's and the stages' policies short enough that an outage of a few seconds outlasts them. */
    public static Map<String, String> shortPolicies(String backend) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("conveyor.backends." + backend + ".max-retries", "1");
        c.put("conveyor.backends." + backend + ".retry-delay", "50ms");
        c.put("conveyor.backends." + backend + ".retry-max-delay", "100ms");
        c.put("conveyor.stage-retry.max-duration", "1s");
        c.put("conveyor.stage-retry.max-delay", "300ms");
        return c;
    }

    /**
     * Sends {@code request} while {@code outage} keeps the backend down: dispatch holds the job at least twice with no
     * result and tells the user once why it waits (naming {@code refusal}, the emulator's answer); the outage lifted,
     * the job gets its one SUCCEEDED result.
     */
    public static void aJobWaitsThroughTheOutageAndRuns(JobProbe probe, URI metrics, Consumer<Boolean> outage, String id,
                                                        String request, String backend, String refusal) throws Exception {
        double heldBefore = StageCounters.held(metrics, "dispatch");
        outage.accept(true);
        try {
            probe.publish(id, request);
            // held twice: the policies (about 1 s) given up on more than once, and the job still waiting
            await().atMost(Duration.ofSeconds(60)).until(() -> StageCounters.held(metrics, "dispatch") >= heldBefore + 2);
            assertThat(probe.on("conveyor.results", id)).as("no result while the service is down").isEmpty();
            assertThat(probe.statusStates(id)).contains("STAGED").doesNotContain("DISPATCHED", "FAILED");
            // the user is told once why the job waits, and until when at most
            await().atMost(Duration.ofSeconds(10)).until(() -> !waiting(probe, id).isEmpty());
            assertThat(waiting(probe, id)).singleElement().satisfies(m -> assertThat(m).startsWith("waiting for " + backend + ": ")
                    .contains(refusal).contains("tried again every 300 ms until "));
        } finally {
            outage.accept(false);
        }
        JobResult result = probe.awaitResult(id, Duration.ofSeconds(90));
        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(probe.on("conveyor.results", id)).hasSize(1);
        probe.assertAllValid();
    }

    /** The messages of dispatch's status events that say the job waits for its backend. */
    private static List<String> waiting(JobProbe probe, String id) {
        return probe.on("conveyor.status", id).stream().map(JobProbe.Seen::json)
                .filter(j -> j.path("stage").asText().equals("dispatch") && j.path("state").asText().equals("STAGED"))
                .map(j -> j.path("message").asText()).toList();
    }
}
