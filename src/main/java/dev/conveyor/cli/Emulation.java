package dev.conveyor.cli;

import java.util.Map;

/**
 * A local stand-in for the cloud a request runs on, started by {@code run --emulate}: the Batch
 * emulator and the object store it needs, and the service configuration that points the stages at
 * them. Closed once the run is over. (Public for the chaos bench, which starts the same emulators for its
 * workers: {@code bench/run.sh chaos --backend=aws-batch}.)
 */
public interface Emulation extends AutoCloseable {

    /** Configuration keys (as {@code -D} properties; one given on the command line wins) that make the service use the emulator. */
    Map<String, String> serviceConfig();

    /** One line for the terminal: what runs where. */
    String describe();

    /**
     * Stops the object store — every connection to it refused, as in an outage (the chaos bench's
     * {@code --store-outage}); returns false, doing nothing, where the store could not come back with its data.
     */
    default boolean stopStore() {
        return false;
    }

    /** Starts the store {@link #stopStore} stopped again, at the same address, with what it held. */
    default void startStore() {
    }

    /**
     * Starts ({@code true}) or ends an outage of the Batch service's API — every call answered 503, the tasks already
     * running going on (the chaos bench's {@code --api-outage}); returns false, doing nothing, where there is none.
     */
    default boolean apiOutage(boolean down) {
        return false;
    }

    @Override
    void close();
}
