package dev.conveyor.testing;

import dev.conveyor.config.ConveyorConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The application's {@code @ConfigMapping} interfaces and the Bean Validation of them that Quarkus
 * runs at start-up, for a plain {@code SmallRyeConfigBuilder} in tests (no Quarkus boot): Hibernate
 * Validator, whose messages ("must be greater than or equal to 1") are the ones the service prints.
 */
public final class ConfigValidators {
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private ConfigValidators() {
    }

    public static BeanValidationConfigValidator beanValidation() {
        return () -> VALIDATOR;
    }

    /** The {@code @ConfigMapping} interfaces of the application (its compiled classes, not its tests). */
    public static List<Class<?>> mappings() {
        List<Class<?>> out = new ArrayList<>();
        try {
            Path classes = Path.of(ConveyorConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(classes.resolve("dev/conveyor"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = classes.relativize(file).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                    Class<?> type = Class.forName(name, false, ConfigValidators.class.getClassLoader());
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
