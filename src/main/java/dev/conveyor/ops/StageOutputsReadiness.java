package dev.conveyor.ops;

import dev.conveyor.messaging.OutputRefusals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code stage-outputs}: DOWN while an output of a stage has been refused by the broker for longer than
 * {@code conveyor.health.output-refused-after} — its topic deleted, without a leader, or not writable —
 * and the stage, which keeps the input and sends the output again until it is taken, therefore does not
 * move that job on. The broker probe alone says UP then: the broker answers, it just does not take the
 * records. A shorter refusal (a leader election) is reported as UP with the count.
 */
@ApplicationScoped
public class StageOutputsReadiness implements ReadinessContributor {
    private final OutputRefusals refusals;
    private final Duration after;
    private final Clock clock;

    @Inject
    public StageOutputsReadiness(OutputRefusals refusals, HealthConfig config, Clock clock) {
        this(refusals, config.outputRefusedAfter(), clock);
    }

    StageOutputsReadiness(OutputRefusals refusals, Duration after, Clock clock) {
        this.refusals = refusals;
        this.after = after;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "stage-outputs";
    }

    @Override
    public ProbeResult probe() {
        List<OutputRefusals.Refusal> waiting = refusals.waiting();
        if (waiting.isEmpty()) {
            return ProbeResult.up("every output taken");
        }
        var now = clock.instant();
        List<OutputRefusals.Refusal> stuck = waiting.stream()
                .filter(r -> Duration.between(r.since(), now).compareTo(after) >= 0).toList();
        if (stuck.isEmpty()) {
            return ProbeResult.up(waiting.size() + " output(s) refused for less than " + after.toSeconds() + " s, sent again");
        }
        // per topic: how many jobs (records, on the DLQ's) wait, since how long, and the broker's last word
        Map<String, List<OutputRefusals.Refusal>> byTopic = stuck.stream()
                .collect(Collectors.groupingBy(OutputRefusals.Refusal::topic, TreeMap::new, Collectors.toList()));
        return ProbeResult.down(byTopic.entrySet().stream().map(e -> {
            OutputRefusals.Refusal oldest = e.getValue().get(0);
            return e.getKey() + ": " + e.getValue().size() + (oldest.record() ? " record(s)" : " job(s)") + " waiting, refused for "
                    + Duration.between(oldest.since(), now).toSeconds() + " s (" + oldest.reason() + ")";
        }).collect(Collectors.joining("; ")));
    }
}
