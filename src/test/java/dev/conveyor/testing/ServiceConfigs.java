package dev.conveyor.testing;

import dev.conveyor.config.ConveyorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The service's configuration as tests read it without a Quarkus boot: its {@code @ConfigMapping}
 * interfaces, and a {@code SmallRyeConfigBuilder} that reads durations as Quarkus does ({@code 500ms},
 * {@code 2s}; plain SmallRye Config only ISO-8601) and runs the Bean Validation Quarkus runs at start-up
 * (Hibernate Validator, whose messages — "must be greater than or equal to 1" — the service prints).
 */
public final class ServiceConfigs {
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private ServiceConfigs() {
    }

    /** A builder over {@code sources} (mappings still to add) that converts and validates as the service does. */
    public static SmallRyeConfigBuilder builder(ConfigSource... sources) {
        BeanValidationConfigValidator validation = () -> VALIDATOR;
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters().withSources(sources)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withValidator(validation);
    }

    /** The {@code @ConfigMapping} interfaces of the application (its compiled classes, not its tests). */
    public static List<Class<?>> mappings() {
        List<Class<?>> out = new ArrayList<>();
        try {
            Path classes = Path.of(ConveyorConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(classes.resolve("dev/conveyor"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = classes.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                    Class<?> type = Class.forName(name, false, ServiceConfigs.class.getClassLoader());
                    if (type.isAnnotationPresent(ConfigMapping.class)) {
                        out.add(type);
                    }
                }
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot list the application's classes", e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no @ConfigMapping interface found under dev.conveyor");
        }
        return out;
    }
}
