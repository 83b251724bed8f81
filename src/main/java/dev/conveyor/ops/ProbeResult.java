package dev.conveyor.ops;

/** What one readiness probe found: up or down, and a short human detail (no secrets). */
public record ProbeResult(boolean up, String detail) {

    public static ProbeResult up(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult down(String detail) {
        return new ProbeResult(false, detail);
    }

    /** How the health report shows it: {@code UP (detail)} or {@code DOWN: detail}. */
    String describe() {
        if (up) {
            return detail == null || detail.isBlank() ? "UP" : "UP (" + detail + ")";
        }
        return "DOWN: " + detail;
    }
}
