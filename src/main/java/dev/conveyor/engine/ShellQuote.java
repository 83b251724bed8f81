package dev.conveyor.engine;

/** Single-quoting for POSIX sh: the value is taken literally, whatever it contains (NULs are rejected upstream). */
final class ShellQuote {
    private ShellQuote() {
    }

    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
