package dev.conveyor.deploy;

import dev.conveyor.deploy.DockerfileInstructions.Instruction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/Dockerfile}, checked without a Docker engine: what the image copies, runs, as whom,
 * on which port and with which health check, against the application's own configuration and CLI.
 */
class DockerImageTest {
    static final Path DOCKER = Path.of("docker");
    private static DockerfileInstructions dockerfile;
    private static AppConfiguration app;

    @BeforeAll
    static void load() {
        dockerfile = DockerfileInstructions.parse(DOCKER.resolve("Dockerfile"));
        app = AppConfiguration.load();
    }

    @Test
    void runsOnAJavaRuntimeOfTheReleaseTheBuildTargets() {
        String release = Pom.property("maven.compiler.release");

        assertThat(dockerfile.all("FROM")).singleElement()
                .satisfies(from -> assertThat(from.arguments()).matches("eclipse-temurin:" + release + "-jre.*"));
    }

    @Test
    void runsAsANonRootUser() {
        String user = dockerfile.last("USER").orElseThrow(() -> new AssertionError("no USER: the image would run as root"))
                .arguments();

        assertThat(user).matches("\\d+:\\d+");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
        assertThat(dockerfile.all("RUN")).anySatisfy(run -> assertThat(run.arguments())
                .contains("--uid " + user.split(":")[0]));
    }

    @Test
    void copiesTheQuarkusFastJarLayoutAndOnlyWhatTheContextAdmits() {
        assertThat(app.names()).doesNotContain("quarkus.package.jar.type");
        List<String> sources = dockerfile.all("COPY").stream()
                .map(c -> DockerfileInstructions.words(c.arguments()).stream().filter(w -> !w.startsWith("--")).toList())
                .map(words -> words.get(0)).toList();
        assertThat(sources).contains("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/", "docker/entrypoint.sh");

        List<String> admitted = YamlFiles.read(DOCKER.resolve("Dockerfile.dockerignore")).lines()
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        assertThat(sources).allSatisfy(source -> assertThat(admitted).anySatisfy(a -> assertThat(source).startsWith(a)));
    }

    @Test
    void startsTheApplicationJarWithTheContainerJvmFlags() {
        Instruction entrypoint = dockerfile.last("ENTRYPOINT").orElseThrow();
        assertThat(entrypoint.execForm()).containsExactly("/usr/bin/tini", "--", "/opt/conveyor/entrypoint.sh");
        assertThat(dockerfile.all("COPY")).anySatisfy(c -> assertThat(c.arguments())
                .isEqualTo("--chmod=0755 docker/entrypoint.sh /opt/conveyor/entrypoint.sh"));
        assertThat(dockerfile.all("COPY")).anySatisfy(c -> assertThat(c.arguments())
                .isEqualTo("target/quarkus-app/*.jar /opt/conveyor/"));

        String script = YamlFiles.read(DOCKER.resolve("entrypoint.sh"));
        assertThat(script).startsWith("#!/bin/sh\n").contains("exec java $JAVA_OPTS -jar /opt/conveyor/quarkus-run.jar \"$@\"");
        assertThat(dockerfile.env().get("JAVA_OPTS")).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void defaultCommandIsServeWithTheDataFolderTheImagePrepares() {
        List<String> cmd = dockerfile.last("CMD").orElseThrow().execForm();

        assertThat(ConveyorCommands.parse(cmd, "docker/Dockerfile CMD")).containsExactly("conveyor", "serve");
        String dataDir = ConveyorCommands.optionValue(cmd, "--data-dir");
        assertThat(dockerfile.last("WORKDIR").orElseThrow().arguments()).isEqualTo(dataDir);
        assertThat(dockerfile.all("RUN")).anySatisfy(run -> assertThat(run.arguments())
                .contains("install -d -o conveyor -g conveyor " + dataDir + " " + dataDir + "/store"));
    }

    @Test
    void everyEnvironmentVariableIsAnApplicationSettingOrReadByTheEntrypoint() {
        Map<String, String> env = dockerfile.env();

        assertThat(env).containsKeys("JAVA_OPTS", "QUARKUS_HTTP_PORT");
        env.keySet().stream().filter(k -> !k.equals("JAVA_OPTS")).forEach(key ->
                assertThat(app.propertyForEnv(key)).as("ENV %s in docker/Dockerfile", key).isPresent());
    }

    @Test
    void exposesTheHttpPortAndChecksLivenessOnIt() {
        String port = app.value("quarkus.http.port");
        assertThat(dockerfile.env()).containsEntry("QUARKUS_HTTP_PORT", port);
        assertThat(dockerfile.last("EXPOSE").orElseThrow().arguments()).isEqualTo(port);

        String healthcheck = dockerfile.last("HEALTHCHECK").orElseThrow().arguments();
        Matcher url = Pattern.compile("http://localhost:\\$\\{QUARKUS_HTTP_PORT}(/\\S+?)\"").matcher(healthcheck);
        assertThat(url.find()).as("health check URL in: %s", healthcheck).isTrue();
        assertThat(url.group(1)).isEqualTo(Endpoints.LIVE);
        assertThat(healthcheck).startsWith("--interval=").contains(" CMD curl -fsS ");
        assertThat(dockerfile.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("install -y --no-install-recommends curl"));
    }
}
