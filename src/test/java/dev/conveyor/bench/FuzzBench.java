package dev.conveyor.bench;

/** Placeholder, replaced by the fuzz run. */
public final class FuzzBench {
    private FuzzBench() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("not yet");
    }
}
