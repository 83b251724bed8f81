package dev.conveyor.config;

import dev.conveyor.testing.ServiceConfigs;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The settings an operator gives as numbers are checked when the service starts: one out of range
 * (0 records in flight, a negative job count, a jitter of 7) stops it with every such problem named
 * ({@code cli/StartFailures} prints them, exit code 2), instead of a service that says it is serving
 * and fails in a stage when the first record arrives.
 */
class ConfigConstraintsTest {
    /** Every {@code @ConfigMapping} of the application (ConveyorConfig, UiConfig, HealthConfig, TracingConfig...). */
    private static final List<Class<?>> MAPPINGS = ServiceConfigs.mappings();

    @Test
    void theDefaultsAreWithinEveryConstraint() {
        assertThat(MAPPINGS).contains(ConveyorConfig.class, dev.conveyor.ui.UiConfig.class, dev.conveyor.ops.HealthConfig.class);
        build(Map.of()); // throws ConfigValidationException otherwise
    }

    @Test
    void everyValueOutOfRangeIsNamedAtOnce() {
        Map<String, String> bad = Map.of(
                "conveyor.concurrency.records-in-flight", "0",
                "conveyor.ui.max-jobs", "-1",
                "conveyor.ui.max-events", "0",
                "conveyor.backends.noop.jitter", "7",
                "conveyor.monitoring.poll-interval", "0s",
                "conveyor.engine.infrastructure-retries", "-2",
                "conveyor.health.timeout", "0s",
                "conveyor.local.slots", "0",
                "conveyor.storage.s3.part-size-mib", "4",
                "conveyor.results.max-record-bytes", "100");
        assertThatThrownBy(() -> build(bad))
                .isInstanceOfSatisfying(ConfigValidationException.class, e -> {
                    List<String> problems = IntStream.range(0, e.getProblemCount())
                            .mapToObj(i -> e.getProblem(i).getMessage()).toList();
                    assertThat(problems).as("one problem per bad value").hasSize(bad.size());
                    bad.keySet().forEach(key -> assertThat(problems).as(key).anyMatch(p -> p.startsWith(key + " must be")));
                    assertThat(problems).contains(
                            "conveyor.concurrency.records-in-flight must be greater than or equal to 1",
                            "conveyor.backends.noop.jitter must be less than or equal to 1",
                            "conveyor.monitoring.poll-interval must be longer than or equal to 1 milli");
                });
    }

    @Test
    void settingsThatDoNotFitTogetherAreNamed() {
        SmallRyeConfigBuilder builder = ServiceConfigs.builder(new PropertiesConfigSource(Map.of(
                "conveyor.backends.aws-batch.retry-delay", "1s", "conveyor.backends.aws-batch.retry-max-delay", "100ms",
                "conveyor.backends.noop.retry-delay", "100ms", "conveyor.backends.noop.retry-max-delay", "100ms"), "test", 300));
        MAPPINGS.forEach(builder::withMapping);
        ConveyorConfig config = builder.build().getConfigMapping(ConveyorConfig.class);
        assertThat(SettingChecks.problems(config)).containsExactly("conveyor.backends.aws-batch.retry-delay (1000 ms) must "
                + "not be longer than conveyor.backends.aws-batch.retry-max-delay (100 ms)");
        assertThat(SettingChecks.problems(build(Map.of()).getConfigMapping(ConveyorConfig.class))).isEmpty();
    }

    @Test
    void valuesAtTheirBoundsAreAccepted() {
        build(Map.of("conveyor.concurrency.records-in-flight", "1",
                "conveyor.collection.reap-interval", "0s",
                "conveyor.backends.noop.jitter", "0",
                "conveyor.backends.noop.rate-per-second", "0",
                "conveyor.engine.retry-backoff", "0s",
                "conveyor.storage.s3.part-size-mib", "5",
                "conveyor.local.slots", "1"));
    }

    /**
     * Every setting read as a number or a duration carries a constraint, so a new one cannot be added
     * without saying what range it takes. (A {@code MemorySize}, the Azure block size, is checked by
     * the store that uses it, naming the property.)
     */
    @Test
    void everyNumberAndDurationSettingHasAConstraint() {
        List<String> unbounded = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        MAPPINGS.forEach(m -> collectUnbounded(m, m.getSimpleName(), seen, unbounded));
        assertThat(unbounded).as("settings without a constraint").isEmpty();
    }

    private static void collectUnbounded(Class<?> group, String path, Set<Class<?>> seen, List<String> out) {
        if (!seen.add(group)) {
            return;
        }
        for (Method m : group.getMethods()) {
            if (m.isDefault() || m.getParameterCount() > 0 || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String name = path + "." + m.getName();
            AnnotatedType type = m.getAnnotatedReturnType();
            if (isNumber(m.getReturnType())) {
                if (!constrained(m.getAnnotations())) {
                    out.add(name);
                }
            } else if (m.getReturnType() == Optional.class && type instanceof AnnotatedParameterizedType p) {
                AnnotatedType element = p.getAnnotatedActualTypeArguments()[0];
                if (element.getType() instanceof Class<?> c && isNumber(c) && !constrained(element.getAnnotations())) {
                    out.add(name);
                } else if (element.getType() instanceof Class<?> c && c.isInterface() && c.getName().startsWith("dev.conveyor")) {
                    collectUnbounded(c, name, seen, out);
                }
            } else if (m.getReturnType() == Map.class && m.getGenericReturnType() instanceof ParameterizedType p) {
                Type value = p.getActualTypeArguments()[1];
                if (value instanceof Class<?> c && c.isInterface() && c.getName().startsWith("dev.conveyor")) {
                    collectUnbounded(c, name + ".*", seen, out);
                }
            } else if (m.getReturnType().isInterface() && m.getReturnType().getName().startsWith("dev.conveyor")) {
                collectUnbounded(m.getReturnType(), name, seen, out);
            }
        }
    }

    private static boolean isNumber(Class<?> c) {
        return c == int.class || c == long.class || c == short.class || c == double.class
                || c == Integer.class || c == Long.class || c == Double.class || c == Duration.class;
    }

    private static boolean constrained(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().isAnnotationPresent(jakarta.validation.Constraint.class)) {
                return true;
            }
        }
        return false;
    }

    private static io.smallrye.config.SmallRyeConfig build(Map<String, String> values) {
        SmallRyeConfigBuilder builder = ServiceConfigs.builder(new PropertiesConfigSource(values, "test", 300));
        MAPPINGS.forEach(builder::withMapping);
        return builder.build();
    }
}
