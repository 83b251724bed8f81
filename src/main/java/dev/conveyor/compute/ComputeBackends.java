package dev.conveyor.compute;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The compute backends this service has, by {@code runsOn.type}. */
public final class ComputeBackends implements AutoCloseable {
    private final Map<String, ComputeBackend> byType = new TreeMap<>();

    public ComputeBackends(List<ComputeBackend> backends) {
        backends.forEach(b -> byType.put(b.type(), b));
    }

    public ComputeBackend get(String type) {
        ComputeBackend b = byType.get(type);
        if (b == null) {
            throw new TerminalComputeException("NotEnabled", "compute backend '" + type
                    + "' is not enabled on this service (enabled: " + String.join(", ", byType.keySet()) + ")", null);
        }
        return b;
    }

    public Set<String> types() {
        return byType.keySet();
    }

    public Collection<ComputeBackend> all() {
        return byType.values();
    }

    @Override
    public void close() {
        for (ComputeBackend b : byType.values()) {
            if (b instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing on shutdown: nothing useful to do with a failure here
                }
            }
        }
    }
}
