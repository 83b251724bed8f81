package dev.conveyor.storage;

/**
 * Told about each object-store call (for metrics): its operation and whether it succeeded, and the
 * bytes written and read. Must be cheap and never throw.
 */
public interface StoreObserver {
    enum Direction { WRITTEN, READ }

    StoreObserver NONE = new StoreObserver() {
        @Override
        public void called(String store, String operation, boolean ok) {
        }

        @Override
        public void bytes(String store, Direction direction, long count) {
        }
    };

    void called(String store, String operation, boolean ok);

    void bytes(String store, Direction direction, long count);
}
