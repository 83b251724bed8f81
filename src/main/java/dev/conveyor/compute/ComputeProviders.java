package dev.conveyor.compute;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The compute providers this service has, by {@code runsOn.type}. */
public final class ComputeProviders implements AutoCloseable {
    private final Map<String, ComputeProvider> byType = new TreeMap<>();

    public ComputeProviders(List<ComputeProvider> providers) {
        providers.forEach(p -> byType.put(p.type(), p));
    }

    public ComputeProvider get(String type) {
        ComputeProvider p = byType.get(type);
        if (p == null) {
            throw new ComputeException("compute provider '" + type + "' is not enabled on this service (enabled: "
                    + String.join(", ", byType.keySet()) + ")", false);
        }
        return p;
    }

    public Set<String> types() {
        return byType.keySet();
    }

    @Override
    public void close() {
        for (ComputeProvider p : byType.values()) {
            if (p instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing on shutdown: nothing useful to do with a failure here
                }
            }
        }
    }
}
