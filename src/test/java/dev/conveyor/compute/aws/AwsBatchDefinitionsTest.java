package dev.conveyor.compute.aws;

import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobState;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDefinition;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Job definitions: one per distinct content however many jobs use it, Conveyor's swept after their TTL, others' never. */
class AwsBatchDefinitionsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void identicalTasksShareOneDefinitionAndOnlyConveyorsUnusedOnesAreDeregistered() {
        try (AwsBatchFixture fx = new AwsBatchFixture("aws-definitions");
             BatchClient batch = AwsBatchBehaviourTest.client(fx)) {
            EngineRun run = new EngineRun(fx.backend, fx.store, EngineSettings.DEFAULT
                    .withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).withTimeoutGrace(Duration.ofSeconds(2)));
            String p = "d" + UUID.randomUUID().toString().substring(0, 6);
            String tasks = """
                    tasks:
                      - {id: a, image: 'example.org/etl:1', command: 'echo a'}
                      - {id: b, image: 'example.org/etl:1', command: 'echo b', resources: {cpus: 2, memory: 1Gi}}
                    """;
            for (int i = 0; i < 3; i++) {
                assertThat(run.runToEnd(Jobs.of(p + "-" + i, tasks), LIMIT).finalState).isEqualTo(JobState.SUCCEEDED);
            }
            assertThat(fx.calls("RegisterJobDefinition")).as("two contents, three jobs").isEqualTo(2);
            List<JobDefinition> ours = batch.describeJobDefinitions(r -> r.status("ACTIVE")).jobDefinitions();
            assertThat(ours).hasSize(2).allSatisfy(d -> {
                assertThat(d.jobDefinitionName()).startsWith("conveyor-");
                assertThat(d.tags()).containsEntry("conveyor:managed", "true");
            });

            batch.registerJobDefinition(r -> r.jobDefinitionName("conveyor-not-ours").type("container")
                    .containerProperties(c -> c.image("busybox").command("true")));
            batch.registerJobDefinition(r -> r.jobDefinitionName("team-etl").type("container")
                    .containerProperties(c -> c.image("busybox").command("true")));

            try (AwsBatchComputeBackend fresh = new AwsBatchComputeBackend(fx.profiles, fx.store, AwsBatchSettings.DEFAULT,
                    Clock.systemUTC())) {
                assertThat(fresh.sweepDefinitions("default")).as("used within the TTL").isEmpty();
            }
            try (AwsBatchComputeBackend expired = new AwsBatchComputeBackend(fx.profiles, fx.store,
                    AwsBatchSettings.DEFAULT.withDefinitionTtl(Duration.ZERO), Clock.systemUTC())) {
                assertThat(expired.sweepDefinitions("default")).containsExactlyInAnyOrderElementsOf(
                        ours.stream().map(JobDefinition::jobDefinitionArn).toList());
            }
            assertThat(batch.describeJobDefinitions(r -> r.status("ACTIVE")).jobDefinitions())
                    .extracting(JobDefinition::jobDefinitionName).containsExactlyInAnyOrder("conveyor-not-ours", "team-etl");

            // the first backend still knows the deregistered ARN: its next submission registers the definition again
            RunState again = run.runToEnd(Jobs.of(p + "-again", tasks), LIMIT);
            assertThat(again.finalState).as(again.finalReason).isEqualTo(JobState.SUCCEEDED);
            assertThat(again.task("a").attempts).hasSize(1);
        }
    }
}
