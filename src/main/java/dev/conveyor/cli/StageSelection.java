package dev.conveyor.cli;

import dev.conveyor.messaging.Channels;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@code conveyor.stages} into the messaging switches: a stage not listed has its incoming
 * channel disabled, so this process neither consumes nor commits for that stage's consumer group.
 * Read from {@code --stages}, else {@code -Dconveyor.stages}, else {@code CONVEYOR_STAGES}.
 * {@value #NONE} runs no stage: a process for the web view, health and metrics only (where the
 * stages run in processes of their own, one such process serves {@code /ui} for all of them).
 */
final class StageSelection {
    static final Map<String, String> INCOMING_BY_STAGE = new LinkedHashMap<>();
    /** The selection that runs no stage at all. */
    static final String NONE = "none";

    static {
        INCOMING_BY_STAGE.put("submission", Channels.REQUESTS);
        INCOMING_BY_STAGE.put("staging", Channels.SUBMITTED_IN);
        INCOMING_BY_STAGE.put("dispatch", Channels.STAGED_IN);
        INCOMING_BY_STAGE.put("monitoring", Channels.DISPATCHED_IN);
        INCOMING_BY_STAGE.put("collection", Channels.COMPLETED_IN);
    }

    private StageSelection() {
    }

    static Set<String> resolve(String fromOption) {
        String value = fromOption;
        if (value == null || value.isBlank()) {
            value = System.getProperty("conveyor.stages");
        }
        if (value == null || value.isBlank()) {
            value = System.getenv("CONVEYOR_STAGES");
        }
        if (value == null || value.isBlank()) {
            return INCOMING_BY_STAGE.keySet();
        }
        Set<String> stages = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (stages.equals(Set.of(NONE))) {
            return Set.of();
        }
        if (stages.contains(NONE)) {
            throw new IllegalArgumentException("conveyor.stages=" + value + ": '" + NONE
                    + "' runs no stage and cannot be combined with stages");
        }
        Set<String> unknown = stages.stream().filter(s -> !INCOMING_BY_STAGE.containsKey(s)).collect(Collectors.toSet());
        if (!unknown.isEmpty() || stages.isEmpty()) {
            throw new IllegalArgumentException("conveyor.stages=" + value + " names unknown stages " + unknown
                    + "; choose from " + INCOMING_BY_STAGE.keySet() + " (or " + NONE + ")");
        }
        return stages;
    }

    /**
     * Sets the system properties that switch the unselected stages off; returns the selection
     * (empty: no stage, which {@code conveyor.stages} then names {@value #NONE}).
     */
    static Set<String> apply(Set<String> stages) {
        INCOMING_BY_STAGE.forEach((stage, channel) -> {
            if (!stages.contains(stage)) {
                System.setProperty("mp.messaging.incoming." + channel + ".enabled", "false");
            }
        });
        // Cancels are acted on by monitoring (which also records them for staging and dispatch).
        if (!stages.contains("monitoring")) {
            System.setProperty("mp.messaging.incoming." + Channels.CONTROL + ".enabled", "false");
        }
        // Only a process that runs collection opens the transactional results producer: any other
        // would fence the one that does.
        if (!stages.contains("collection")) {
            System.setProperty("mp.messaging.outgoing." + Channels.RESULTS + ".enabled", "false");
        }
        if (System.getProperty("conveyor.instance-id") == null && System.getenv("CONVEYOR_INSTANCE_ID") == null) {
            String dataDir = System.getProperty("conveyor.data-dir",
                    System.getenv().getOrDefault("CONVEYOR_DATA_DIR", ".conveyor"));
            System.setProperty("conveyor.instance-id",
                    dev.conveyor.kafka.InstanceIdentity.claim(java.nio.file.Path.of(dataDir)));
        }
        System.setProperty("conveyor.stages", stages.isEmpty() ? NONE : String.join(",", stages));
        return stages;
    }
}
