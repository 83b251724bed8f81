package dev.conveyor.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code conveyor.*} setting the service reads is documented in the README: by its whole key,
 * or, where the README lists a group on one line ({@code conveyor.backends.<type>.max-retries},
 * {@code .retry-delay}, ...), by its group's key and its own last part.
 */
class ReadmeSettingsTest {
    private final AppConfiguration app = AppConfiguration.load();

    @Test
    void everySettingOfTheServiceIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = app.names().stream()
                .filter(name -> name.startsWith("conveyor.") && !name.startsWith(AppConfiguration.PROFILES_PREFIX))
                .filter(name -> !documented(readme, name))
                .toList();
        assertThat(missing).as("settings the README does not name").isEmpty();
    }

    private static boolean documented(String readme, String name) {
        if (readme.contains("`" + name + "`") || readme.contains("`" + name + "=")) {
            return true;
        }
        int last = name.lastIndexOf('.');
        String group = name.substring(0, last);
        String leaf = name.substring(last);
        return readme.contains("`" + group + ".") && readme.contains("`" + leaf + "`");
    }
}
