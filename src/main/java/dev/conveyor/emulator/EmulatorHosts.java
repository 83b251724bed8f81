package dev.conveyor.emulator;

/** What the emulators put in the endpoint they report, given the address they listen on. */
public final class EmulatorHosts {
    private EmulatorHosts() {
    }

    /**
     * {@code host} itself, except for a wildcard ({@code 0.0.0.0}, {@code ::}): a client cannot
     * connect to that, so the endpoint names the loopback address, where the emulator answers too.
     */
    public static String reachable(String host) {
        return switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
            default -> host;
        };
    }

    /** {@code http://<reachable host>:<port>}, an IPv6 address in brackets. */
    public static String endpoint(String host, int port) {
        String reachable = reachable(host);
        return "http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port;
    }
}
