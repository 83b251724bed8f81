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

    public static Process start(Path root, String name, String instanceId, String bootstrap, Map<String, String> config)
            throws IOException {
        String jar = System.getProperty("conveyor.app.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                TestDirs.tmpdirOption(), "-Dconveyor.instance-id=" + instanceId, "-Dconveyor.monitoring.poll-interval=200ms", "-Dquarkus.http.port=0",
                "-Dmp.messaging.connector.smallrye-kafka.session.timeout.ms=6000",
                "-Dmp.messaging.connector.smallrye-kafka.heartbeat.interval.ms=1000"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar, "serve", "--bootstrap-servers", bootstrap,
                "--data-dir", root.resolve("data").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile()).start();
    }
}
