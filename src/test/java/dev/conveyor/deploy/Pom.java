package dev.conveyor.deploy;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Properties of the project's pom.xml (versions that deployment files must follow). */
final class Pom {
    private Pom() {
    }

    /** The project's own version (the first {@code <version>} after its artifactId). */
    static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>conveyor</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(YamlFiles.read(Path.of("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml: no project version");
        }
        return m.group(1).trim();
    }

    static String property(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
                .matcher(YamlFiles.read(Path.of("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml has no property " + name);
        }
        return m.group(1).trim();
    }
}
