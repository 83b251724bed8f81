package dev.conveyor.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageSelectionTest {

    @AfterEach
    void clear() {
        StageSelection.INCOMING_BY_STAGE.values().forEach(ch -> System.clearProperty("mp.messaging.incoming." + ch + ".enabled"));
        System.clearProperty("mp.messaging.incoming.control.enabled");
        System.clearProperty("mp.messaging.outgoing.results.enabled");
        System.clearProperty("conveyor.stages");
    }

    @Test
    void allFiveStagesRunWhenNothingIsSelected() {
        assertThat(StageSelection.resolve(null))
                .containsExactly("submission", "staging", "dispatch", "monitoring", "collection");
    }

    @Test
    void unselectedStagesHaveTheirIncomingChannelDisabled() {
        StageSelection.apply(StageSelection.resolve("submission, collection"));

        assertThat(System.getProperty("mp.messaging.incoming.requests.enabled")).isNull();
        assertThat(System.getProperty("mp.messaging.incoming.completed-in.enabled")).isNull();
        assertThat(System.getProperty("mp.messaging.incoming.submitted-in.enabled")).isEqualTo("false");
        assertThat(System.getProperty("mp.messaging.incoming.staged-in.enabled")).isEqualTo("false");
        assertThat(System.getProperty("mp.messaging.incoming.dispatched-in.enabled")).isEqualTo("false");
    }

    @Test
    void unknownStageIsAClearError() {
        assertThatThrownBy(() -> StageSelection.resolve("submission,colection"))
                .hasMessageContaining("colection").hasMessageContaining("collection");
    }

    @Test
    void selectionComesFromTheSystemPropertyWhenNoOptionIsGiven() {
        System.setProperty("conveyor.stages", "monitoring");
        assertThat(StageSelection.resolve(null)).isEqualTo(Set.of("monitoring"));
    }

    @Test
    void noneRunsNoStageAtAll() {
        assertThat(StageSelection.apply(StageSelection.resolve("none"))).isEmpty();

        StageSelection.INCOMING_BY_STAGE.values().forEach(channel ->
                assertThat(System.getProperty("mp.messaging.incoming." + channel + ".enabled")).as(channel).isEqualTo("false"));
        assertThat(System.getProperty("mp.messaging.incoming.control.enabled")).isEqualTo("false");
        assertThat(System.getProperty("mp.messaging.outgoing.results.enabled")).as("no transactional producer").isEqualTo("false");
        assertThat(System.getProperty("conveyor.stages")).isEqualTo("none");
    }

    @Test
    void noneWithStagesIsAClearError() {
        assertThatThrownBy(() -> StageSelection.resolve("none,collection"))
                .hasMessageContaining("'none' runs no stage");
    }
}
