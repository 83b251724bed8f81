package dev.conveyor.architecture;

import io.smallrye.mutiny.infrastructure.CallbackDecorator;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutiny's context-propagation decorator stays off the classpath (the pom excludes it on every path that
 * brings it): it wraps every callback of every Uni and Multi to capture and restore thread contexts nothing
 * here uses, and cost a large share of the service's CPU per job (docs/benchmarks.md). A new dependency
 * that brings it back fails here instead of silently in a benchmark.
 */
class MutinyDecoratorsTest {

    @Test
    void noCallbackDecoratorWrapsEveryMutinyCallback() {
        assertThat(ServiceLoader.load(CallbackDecorator.class).stream().map(p -> p.type().getName()))
                .as("Mutiny callback decorators on the classpath")
                .isEmpty();
    }
}
