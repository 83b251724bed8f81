package dev.conveyor.ui;

import dev.conveyor.model.JobSpec;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The task graph: one node per request task, matrix cells folded and counted, columns by depth, text escaped. */
class TaskGraphTest {

    private static TaskSpec task(String id, String group, List<String> needs) {
        return new TaskSpec(id, "true", Map.of(), List.of(), List.of(), needs, 0, 0, null,
                group.equals(id) ? Map.of() : Map.of("i", com.fasterxml.jackson.databind.node.IntNode.valueOf(1)),
                group, false, List.of());
    }

    @Test
    void aMatrixGroupIsOneNodeThatCountsItsCellsByState() {
        JobSpec spec = new JobSpec("j", "j", Map.of(), new RunsOn("local", Map.of()), 0, Map.of(), List.of(
                task("prep", "prep", List.of()),
                task("test-0", "test", List.of("prep")),
                task("test-1", "test", List.of("prep")),
                task("test-2", "test", List.of("prep")),
                task("report", "report", List.of("test-0", "test-1", "test-2"))), Instant.now());

        String svg = TaskGraph.svg(spec, Map.of("prep", "SUCCEEDED", "test-0", "SUCCEEDED", "test-1", "RUNNING",
                "test-2", "FAILED"));

        assertThat(nodes(svg)).containsExactly("prep=SUCCEEDED/1@10", "test=RUNNING/3@240", "report=PENDING/1@470");
        assertThat(svg).contains("test ×3", "1 failed, 1 running, 1 succeeded");
        assertThat(svg).contains("data-from=\"prep\" data-to=\"test\"", "data-from=\"test\" data-to=\"report\"");
        assertThat(svg.split("class=\"edge\"", -1)).hasSize(3);
    }

    @Test
    void idsAreEscaped() {
        JobSpec spec = new JobSpec("j", "j", Map.of(), new RunsOn("local", Map.of()), 0, Map.of(),
                List.of(task("a<b>&\"", "a<b>&\"", List.of())), Instant.now());
        assertThat(TaskGraph.svg(spec, Map.of())).contains("a&lt;b&gt;&amp;&quot;").doesNotContain("a<b>");
    }

    private static List<String> nodes(String svg) {
        Matcher m = Pattern.compile("data-id=\"([^\"]+)\" data-state=\"([A-Z_]+)\" data-cells=\"(\\d+)\" transform=\"translate\\((\\d+),")
                .matcher(svg);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2) + "/" + m.group(3) + "@" + m.group(4));
        }
        return out;
    }
}
