package dev.conveyor.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code serve}, all stages) as a process of its own, for tests that kill it:
 * a fixed instance id (so a restart is the same instance), a short monitoring interval, any free
 * HTTP port, and a short consumer session (a killed consumer is noticed after it times out); its
 * output goes to {@code <root>/<name>.log}.
 */
public final class ServiceProcess {
    private ServiceProcess() {
    }

    /**
     * {@code java [jvmOptions] -jar <the packaged application>}, its temporary folder under
     * {@code target/tmp} ({@link TestDirs#tmpdirOption()}); the caller appends the command's arguments.
     */
    public static List<String> appJar(List<String> jvmOptions) throws IOException {
        return appJar(jvmOptions, jar());
    }

    /** The packaged application's {@code quarkus-run.jar} ({@code -Dconveyor.app.jar=} chooses another). */
    public static String jar() {
        return System.getProperty("conveyor.app.jar", "target/quarkus-app/quarkus-run.jar");
    }

    /** {@link #appJar(List)} with another build of the application ({@code quarkus-run.jar}). */
    public static List<String> appJar(List<String> jvmOptions, String jar) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), TestDirs.tmpdirOption()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
        return command;
    }

    /** The {@code java} launcher of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static Process start(Path root, String name, String instanceId, String bootstrap, Map<String, String> config)
            throws IOException {
        List<String> options = new ArrayList<>(List.of("-Dconveyor.instance-id=" + instanceId,
                "-Dconveyor.monitoring.poll-interval=200ms", "-Dquarkus.http.port=0",
                "-Dmp.messaging.connector.smallrye-kafka.session.timeout.ms=6000",
                "-Dmp.messaging.connector.smallrye-kafka.heartbeat.interval.ms=1000"));
        config.forEach((k, v) -> options.add("-D" + k + "=" + v));
        List<String> command = appJar(options);
        command.addAll(List.of("serve", "--bootstrap-servers", bootstrap, "--data-dir", root.resolve("data").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile()).start();
    }
}
