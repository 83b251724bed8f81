package dev.conveyor.model;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskValuesTest {

    @Test
    void valueIsEverythingAfterTheFirstEqualsSign() {
        assertThat(TaskValues.parse("url=https://x/?a=b\nempty=\n")).containsExactly(
                Map.entry("url", "https://x/?a=b"), Map.entry("empty", ""));
    }

    @Test
    void commentsBlankLinesBadKeysAreSkippedAndTheLastValueWins() {
        assertThat(TaskValues.parse("# note\n\n1bad=x\nno equals\ncount=1\r\ncount=2\n"))
                .containsExactly(Map.entry("count", "2"));
    }

    @Test
    void envNamesAreUpperCasedWithOtherCharactersAsUnderscores() {
        assertThat(TaskValues.envName("fetch-data", "row.count")).isEqualTo("CONVEYOR_NEEDS_FETCH_DATA_ROW_COUNT");
        assertThat(TaskValues.env(Map.of("a", Map.of("k", "v")))).containsExactly(Map.entry("CONVEYOR_NEEDS_A_K", "v"));
    }
}
