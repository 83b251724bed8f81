package dev.conveyor.deploy;

import dev.conveyor.testing.ServiceConfigs;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the application can be configured with, read from the application itself: the keys of
 * {@code application.properties} and of every {@code @ConfigMapping} interface under
 * {@code dev.conveyor}, and their values as the app would resolve them with nothing overridden
 * (no environment, no system properties), within the constraints the service checks at start-up.
 * Deployment files are checked against it.
 * <p>
 * Environment names map to keys as MicroProfile Config maps them: every character that is not a
 * letter or a digit becomes {@code _}, then upper case ({@code conveyor.topics.requests} ↔
 * {@code CONVEYOR_TOPICS_REQUESTS}). A map key in a mapping ({@code conveyor.profiles.*.key}) matches
 * any name in its place.
 */
final class AppConfiguration {
    static final String PROFILES_PREFIX = "conveyor.profiles.";

    private final Set<String> names;
    private final List<Pattern> wildcardEnvNames;
    private final List<Class<?>> mappings;
    private final SmallRyeConfig config;
    private final PropertiesConfigSource properties;

    private AppConfiguration(Set<String> names, List<Pattern> wildcardEnvNames, List<Class<?>> mappings,
                             SmallRyeConfig config, PropertiesConfigSource properties) {
        this.properties = properties;
        this.names = names;
        this.wildcardEnvNames = wildcardEnvNames;
        this.mappings = mappings;
        this.config = config;
    }

    private static AppConfiguration loaded;

    /** Read once per test JVM: every deployment check asks the same questions. */
    static synchronized AppConfiguration load() {
        if (loaded == null) {
            loaded = read();
        }
        return loaded;
    }

    private static AppConfiguration read() {
        URL properties = AppConfiguration.class.getClassLoader().getResource("application.properties");
        if (properties == null) {
            throw new IllegalStateException("application.properties is not on the test classpath");
        }
        PropertiesConfigSource source;
        try {
            source = new PropertiesConfigSource(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> names = new TreeSet<>();
        for (String key : source.getPropertyNames()) {
            names.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
        }
        List<Class<?>> mappings = ServiceConfigs.mappings();
        List<Pattern> wildcards = new ArrayList<>();
        SmallRyeConfigBuilder builder = ServiceConfigs.builder(source);
        for (Class<?> mapping : mappings) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            builder.withMapping(mapping);
            for (String name : ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix)).keySet()) {
                if (name.contains("*")) {
                    wildcards.add(wildcardEnvName(name));
                } else {
                    names.add(name);
                }
            }
        }
        return new AppConfiguration(names, wildcards, mappings, builder.build(), source);
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Pattern wildcardEnvName(String property) {
        StringBuilder regex = new StringBuilder();
        for (String part : property.replace("[*]", ".*").split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(envName(part)));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * The configuration key an environment variable sets, if it sets one. For a map entry the name is
     * approximate: an environment name does not say where the map key ends ({@code _} stands for
     * {@code .}, {@code -} and {@code _} alike).
     */
    Optional<String> propertyForEnv(String env) {
        for (String name : names) {
            if (envName(name).equals(env)) {
                return Optional.of(name);
            }
        }
        if (wildcardEnvNames.stream().anyMatch(p -> p.matcher(env).matches())) {
            return Optional.of(env.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        return Optional.empty();
    }

    /** A value as the application resolves it from its own defaults ({@code ${...}} expanded). */
    String value(String property) {
        return config.getValue(property, String.class);
    }

    /**
     * A mapping as the service would read it with {@code env} as its environment (on top of
     * application.properties), through SmallRye Config's own environment source.
     */
    <T> T mappingWithEnv(Class<T> type, Map<String, String> env) {
        SmallRyeConfigBuilder builder = ServiceConfigs.builder(properties, new EnvConfigSource(env, 300));
        mappings.forEach(builder::withMapping);
        return builder.build().getConfigMapping(type);
    }

    <T> T mapping(Class<T> type) {
        return config.getConfigMapping(type);
    }

    Set<String> names() {
        return names;
    }

    List<Class<?>> mappings() {
        return mappings;
    }
}
