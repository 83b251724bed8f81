package dev.conveyor.ui;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code conveyor.ui.enabled=false} turns the whole of {@code /ui} off — pages, streams, static
 * files — with one HTTP filter, ahead of both the REST resources and the static handler.
 */
@ApplicationScoped
public class UiSwitch {
    void register(@Observes Filters filters, UiConfig config) {
        if (config.enabled()) {
            return;
        }
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (path.equals("/ui") || path.startsWith("/ui/")) {
                rc.response().setStatusCode(404).end("The web view is off (conveyor.ui.enabled=false)\n");
            } else {
                rc.next();
            }
        }, 100);
    }
}
