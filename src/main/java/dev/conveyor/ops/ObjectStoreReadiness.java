package dev.conveyor.ops;

import dev.conveyor.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The object store answers a listing (of a prefix nothing is written to, so the answer stays small). */
@ApplicationScoped
public class ObjectStoreReadiness implements ReadinessContributor {
    static final String PROBE_PREFIX = "health/";

    @Inject
    ObjectStore store;

    @Override
    public String name() {
        return "object-store";
    }

    @Override
    public ProbeResult probe() throws Exception {
        store.list(PROBE_PREFIX);
        return ProbeResult.up(store.type());
    }
}
