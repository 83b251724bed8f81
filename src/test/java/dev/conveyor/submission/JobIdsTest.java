package dev.conveyor.submission;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class JobIdsTest {

    @Test
    void idsMatchTheRequestIdPatternAndAreUnique() {
        JobIds ids = new JobIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.newId();
            assertThat(id).matches(RequestReader.ID_PATTERN).startsWith("job-");
            assertThat(seen.add(id)).as(id).isTrue();
        }
    }

    @Test
    void idsSortByCreationTime() {
        String earlier = new JobIds(Clock.fixed(Instant.parse("2026-11-21T07:00:00Z"), ZoneOffset.UTC)).newId();
        String later = new JobIds(Clock.fixed(Instant.parse("2026-11-21T07:00:01Z"), ZoneOffset.UTC)).newId();
        assertThat(earlier).isLessThan(later);
        assertThat(earlier).hasSize(later.length());
    }
}
