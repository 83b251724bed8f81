package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.TaskResources;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A task's {@code resources} (validated by the schema): vCPUs, memory in MiB, GPUs. */
final class ResourceSizes {
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(Mi|Gi|Ti|M|G|T|MB|GB|TB)");

    private ResourceSizes() {
    }

    static TaskResources of(JsonNode resources) {
        if (resources == null || !resources.isObject()) {
            return TaskResources.NONE;
        }
        double cpus = resources.path("cpus").asDouble(0);
        int gpus = resources.path("gpus").asInt(0);
        return new TaskResources(cpus, memoryMiB(resources.get("memory")), gpus);
    }

    /** MiB: a number is MiB; {@code Gi}/{@code G}/{@code GB} are all read as GiB (what batch services mean). */
    static long memoryMiB(JsonNode memory) {
        if (memory == null || memory.isNull()) {
            return 0;
        }
        if (memory.isNumber()) {
            return memory.asLong();
        }
        Matcher m = SIZE.matcher(memory.asText().trim());
        if (!m.matches()) {
            return 0;
        }
        BigDecimal v = new BigDecimal(m.group(1));
        long factor = switch (m.group(2).toUpperCase(Locale.ROOT).charAt(0)) {
            case 'G' -> 1024;
            case 'T' -> 1024 * 1024;
            default -> 1;
        };
        return v.multiply(BigDecimal.valueOf(factor)).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
