package dev.conveyor.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks of settings that depend on one another (one value alone is checked by its constraint when the
 * configuration is read): the service refuses to start on any of them, naming the keys, rather than failing every
 * job that meets the setting.
 */
public final class SettingChecks {
    private SettingChecks() {
    }

    /** Every problem of {@code config}'s settings taken together; empty when there is none. */
    public static List<String> problems(ConveyorConfig config) {
        List<String> out = new ArrayList<>();
        config.backends().forEach((type, b) -> {
            if (b.retryDelay().compareTo(b.retryMaxDelay()) > 0) {
                String k = "conveyor.backends." + type + ".";
                out.add(k + "retry-delay (" + b.retryDelay().toMillis() + " ms) must not be longer than " + k
                        + "retry-max-delay (" + b.retryMaxDelay().toMillis() + " ms)");
            }
        });
        return out;
    }
}
