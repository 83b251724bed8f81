package dev.conveyor.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The emulators {@code run --emulate} can start, by the {@code runsOn.type} a request names (and the chaos
 * bench, for its workers: {@code bench/run.sh chaos --backend=TYPE}).
 */
public final class Emulations {
    private Emulations() {
    }

    /** The types that run here without any emulator. */
    private static final Set<String> LOCAL_TYPES = Set.of("local", "noop");

    /**
     * Starts one emulation per cloud type in {@code types} (none for local types).
     *
     * @throws CliException for a type no emulator stands in for
     */
    public static List<Emulation> start(Set<String> types, Path workDir) {
        List<Emulation> started = new ArrayList<>();
        try {
            for (String type : new TreeSet<>(types)) {
                if (LOCAL_TYPES.contains(type)) {
                    continue;
                }
                started.add(startOne(type, workDir.resolve(type)));
            }
            return started;
        } catch (RuntimeException e) {
            started.forEach(Emulation::close);
            throw e;
        }
    }

    /** Closes the emulations when the run is over. */
    public record Running(List<Emulation> emulations) implements AutoCloseable {
        @Override
        public void close() {
            emulations.forEach(Emulation::close);
        }
    }

    private static Emulation startOne(String type, Path workDir) {
        switch (type) {
            // one case per cloud backend: case "azure-batch": return ...; case "aws-batch": return ...;
            case "aws-batch":
                return AwsBatchEmulation.start(workDir);
            case "azure-batch":
                return AzureBatchEmulation.start(workDir);
            default:
                throw CliException.badInput("--emulate: no emulator stands in for runsOn type '" + type + "'");
        }
    }
}
