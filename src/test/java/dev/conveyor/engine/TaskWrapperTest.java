package dev.conveyor.engine;

import dev.conveyor.model.OutputSpec;
import dev.conveyor.storage.SignedUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated wrapper, run by a real {@code sh}: it returns the logs, the values and the outputs (uploaded at
 * once) and only then the exit code, whose presence says "all there"; when one of them cannot be returned it writes
 * no exit code and exits {@link TaskWrapper#RETURN_FAILED}.
 */
class TaskWrapperTest {
    @TempDir
    Path dir;

    private static final String COMMAND = "echo out; echo err >&2; echo k=v >> \"$CONVEYOR_OUTPUTS\"; echo f > f.txt; exit 3";

    private SignedUrl target(Path p) {
        return new SignedUrl(p.toUri(), Map.of(), Instant.now().plusSeconds(600));
    }

    private WrapperPlan.Returns into(Path returns) {
        return new WrapperPlan.Returns(target(returns.resolve("stdout.txt")), target(returns.resolve("stderr.txt")),
                target(returns.resolve("values.env")), target(returns.resolve("outputs.tar")), target(returns.resolve("exitcode")));
    }

    /** Runs the wrapper as a backend would: {@code sh task.sh} in the attempt's folder; its exit status. */
    private int run(WrapperPlan.Returns returns) throws IOException, InterruptedException {
        WrapperPlan plan = new WrapperPlan("job", "t", 1, COMMAND, Map.of(), "{}", List.of(),
                List.of(new OutputSpec("f.txt", OutputSpec.When.ALWAYS)), returns);
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.writeString(base.resolve("task.sh"), TaskWrapper.render(plan));
        Process p = new ProcessBuilder("sh", "task.sh").directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("wrapper.out").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the wrapper ends").isTrue();
        return p.exitValue();
    }

    @Test
    void everythingIsReturnedAndTheExitCodeLast() throws Exception {
        Path returns = dir.resolve("returns");

        assertThat(run(into(returns))).isEqualTo(3);

        assertThat(Files.readString(returns.resolve("stdout.txt"))).isEqualTo("out\n");
        assertThat(Files.readString(returns.resolve("stderr.txt"))).isEqualTo("err\n");
        assertThat(Files.readString(returns.resolve("values.env"))).isEqualTo("k=v\n");
        assertThat(Files.size(returns.resolve("outputs.tar"))).isPositive();
        assertThat(Files.readString(returns.resolve("exitcode"))).isEqualTo("3\n");
    }

    @Test
    void whatCannotBeReturnedMeansNoExitCodeAndExit97() throws Exception {
        Path returns = Files.createDirectories(dir.resolve("returns"));
        Files.writeString(dir.resolve("blocked"), "a file where stderr's folder would be");
        WrapperPlan.Returns all = into(returns);
        int exit = run(new WrapperPlan.Returns(all.stdout(), target(dir.resolve("blocked/stderr.txt")), all.values(),
                all.outputs(), all.exitCode()));

        assertThat(exit).isEqualTo(TaskWrapper.RETURN_FAILED);
        assertThat(returns.resolve("exitcode")).as("no exit code: the attempt did not report").doesNotExist();
        assertThat(Files.readString(returns.resolve("stdout.txt"))).as("what could be returned was").isEqualTo("out\n");
        assertThat(Files.readString(dir.resolve("wrapper.out"))).contains("could not return the results");
    }

    /**
     * A store that refuses connections for a while after the task ended (restarting, or its proxy) is waited for:
     * the results reach it once it listens again (curl retried only timeouts and 5xx for 10 s: the attempt reported
     * nothing and ran again).
     */
    @Test
    void resultsReachAStoreThatRefusedConnectionsForAWhile() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // nothing listens here until the test starts the store
        }
        java.util.function.Function<String, SignedUrl> at = name -> new SignedUrl(
                java.net.URI.create("http://127.0.0.1:" + port + "/returns/" + name), Map.of(), Instant.now().plusSeconds(600));
        Path ran = dir.resolve("ran");
        WrapperPlan plan = new WrapperPlan("job", "t", 1, "echo out; touch '" + ran + "'; exit 3", Map.of(), "{}", List.of(),
                List.of(), new WrapperPlan.Returns(at.apply("stdout.txt"), at.apply("stderr.txt"), at.apply("values.env"),
                at.apply("outputs.tar"), at.apply("exitcode")));
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.writeString(base.resolve("task.sh"), TaskWrapper.render(plan));
        Process p = new ProcessBuilder("sh", "task.sh").directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("wrapper.out").toFile()).start();
        Map<String, String> stored = new java.util.concurrent.ConcurrentHashMap<>();
        com.sun.net.httpserver.HttpServer store = null;
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Files.exists(ran));
            // the store stays down until an upload has been refused and curl is still at it: a refused connect is
            // answered at once, so a curl for this store alive half a second on has been refused and is waiting to
            // try again (one that gave up on the refusal — the old flags — is gone, and this wait fails)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> curlTryingFor(port, java.time.Duration.ofMillis(500)));
            store = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
            store.createContext("/returns/", exchange -> {
                stored.put(exchange.getRequestURI().getPath().substring("/returns/".length()),
                        new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            store.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the wrapper ends").isTrue();
        } finally {
            p.destroyForcibly();
            if (store != null) {
                store.stop(0);
            }
        }

        assertThat(p.exitValue()).as("the task's own exit code, not 97").isEqualTo(3);
        assertThat(stored).containsEntry("stdout.txt", "out\n").containsEntry("exitcode", "3\n");
    }

    /** Whether a curl process for {@code 127.0.0.1:port} has been running for at least {@code for_}. */
    private static boolean curlTryingFor(int port, java.time.Duration for_) {
        Instant before = Instant.now().minus(for_);
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().command().map(c -> c.endsWith("/curl")).orElse(false)
                && p.info().arguments().map(a -> String.join(" ", a).contains("127.0.0.1:" + port + "/")).orElse(false)
                && p.info().startInstant().map(t -> t.isBefore(before)).orElse(false));
    }
}
