package dev.conveyor.bench;

import dev.conveyor.testing.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a chaos run, each a JVM of its own: one Kafka broker ({@link StandaloneBroker})
 * and N all-stage {@code serve} workers of the packaged application, in default settings (no
 * instance id, no tuning), sharing one data dir. Kills are SIGKILL; a killed process is started
 * again with the same command line (a worker claims its instance slot back, the broker reopens its
 * log directory on the same port). Every process start appends to its own log under the root.
 */
final class ChaosCluster implements AutoCloseable {
    private final Path root;
    private final Path data;
    private final int brokerPort;
    private final List<String> workerJvmOptions;
    private final String classpath;
    private Process broker;
    private final List<Process> workers = new ArrayList<>();
    private int starts;

    ChaosCluster(Path root, int workerCount, List<String> workerJvmOptions) throws IOException {
        this.root = root;
        this.data = root.resolve("data");
        this.brokerPort = freePort();
        this.workerJvmOptions = workerJvmOptions;
        this.classpath = System.getProperty("java.class.path");
        for (int i = 0; i < workerCount; i++) {
            workers.add(null);
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    Path data() {
        return data;
    }

    int workerCount() {
        return workers.size();
    }

    void startBroker() throws IOException {
        broker = new ProcessBuilder(ServiceProcess.java(), "-Xmx512m", "-cp", classpath, StandaloneBroker.class.getName(),
                root.resolve("kafka").toString(), String.valueOf(brokerPort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("broker.log").toFile()))
                .start();
        awaitBroker(Duration.ofSeconds(90));
    }

    void startWorker(int i) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Dquarkus.http.port=0"));
        options.addAll(workerJvmOptions);
        List<String> cmd = new ArrayList<>(ServiceProcess.appJar(options));
        cmd.addAll(List.of("serve",
                "--bootstrap-servers", bootstrap(), "--data-dir", data.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("worker-" + i + ".log").toFile()));
        pb.environment().remove("HOSTNAME");
        pb.environment().remove("CONVEYOR_INSTANCE_ID");
        workers.set(i, pb.start());
        starts++;
    }

    /** SIGKILL, wait until the process is gone (its file locks released), start it again. */
    void killAndRestartWorker(int i) throws IOException, InterruptedException {
        kill(workers.get(i));
        startWorker(i);
    }

    /** SIGKILL the broker, then start it again on the same directory and port. */
    void killAndRestartBroker(Duration down) throws IOException, InterruptedException {
        kill(broker);
        Process dead = broker;
        // the broker stays down for the whole of `down` (clients see it gone), then comes back
        org.awaitility.Awaitility.await().during(down).atMost(down.plusSeconds(10)).until(() -> !dead.isAlive());
        startBroker();
    }

    int workerStarts() {
        return starts;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL on Linux
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + p.pid() + " survived SIGKILL");
        }
    }

    private void awaitBroker(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("the broker exited; see " + root.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    // not yet
                }
            }
        }
        throw new IllegalStateException("the broker did not answer within " + timeout);
    }

    /** A free port on the loopback interface (for a process the bench starts). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Workers first (SIGTERM, then SIGKILL after 20 s), then the broker. */
    @Override
    public void close() throws InterruptedException {
        for (Process w : workers) {
            if (w != null) {
                w.destroy();
            }
        }
        for (Process w : workers) {
            if (w != null && !w.waitFor(20, TimeUnit.SECONDS)) {
                w.destroyForcibly().waitFor();
            }
        }
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor();
            }
        }
    }

    static boolean hasFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }
}
