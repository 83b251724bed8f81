package dev.conveyor.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No stage input has an age limit on records not yet acknowledged. SmallRye's default (60 s) closes
 * the stage's consumer for good when one record is held longer, and a stage legitimately holds one
 * longer: staging a large input, dispatch retrying a throttled Batch API, an output sent again until
 * its topic is back ({@code OutputTopicOutageTest} shows a stage going on after such a wait), and
 * monitoring for a job's whole run. A restart would not help: the record comes back, as slow.
 */
class StageInputsConfigTest {
    private static final String AGE = "throttled.unprocessed-record-max-age.ms";
    private final AppConfiguration app = AppConfiguration.load();

    @Test
    void noStageInputClosesItsConsumerForARecordHeldLong() {
        assertThat(app.value("mp.messaging.connector.smallrye-kafka." + AGE)).isEqualTo("0");
        for (String channel : List.of("requests", "submitted-in", "staged-in", "dispatched-in", "control")) {
            assertThat(app.names()).as("%s sets its own age limit", channel)
                    .doesNotContain("mp.messaging.incoming." + channel + "." + AGE);
        }
        assertThat(app.names().stream().filter(n -> n.endsWith(AGE)))
                .containsExactly("mp.messaging.connector.smallrye-kafka." + AGE);
    }
}
