package dev.conveyor.ops;

import dev.conveyor.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The object store answers its own cheap check ({@link ObjectStore#check()}) with this service's credentials. */
@ApplicationScoped
public class ObjectStoreReadiness implements ReadinessContributor {
    @Inject
    ObjectStore store;

    @Override
    public String name() {
        return "object-store";
    }

    @Override
    public ProbeResult probe() throws Exception {
        store.check();
        return ProbeResult.up(store.type());
    }
}
