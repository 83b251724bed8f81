package dev.conveyor.compute;

/** Single-quoting for POSIX sh: the value is taken literally, whatever it contains (NULs are rejected upstream). */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
