package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.StageCounters;
import dev.conveyor.testing.JobProbe;
import io.quarkus.arc.ClientProxy;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.emulator.s3.S3EmulatorOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record the object store stays away for beyond the stage's retry policy is held and handled again once the
 * store answers: a request used to go to the DLQ, where it had no result, and staging and dispatch failed the
 * job — on the S3 store (S3Proxy), faults injected per stage and the server itself stopped and started again.
 * (The policy is shortened here to a second, pauses of 200 ms; by default 5 minutes and 30 s.)
 */
@QuarkusTest
@TestProfile(StoreOutageTest.ShortPolicy.class)
@WithTestResource(StoreOutageTest.OwnS3.class)
class StoreOutageTest extends PipelineTestBase {
    public static class ShortPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.stage-retry.max-duration", "2s", "conveyor.stage-retry.max-delay", "200ms",
                    "conveyor.staging.allowed-http-hosts", "127.0.0.1");
        }
    }

    /** The service's store: an S3Proxy of this test's own, which the test stops and starts again (same port, same data). */
    public static class OwnS3 implements QuarkusTestResourceLifecycleManager {
        private static volatile S3EmulatorOptions options;
        private static volatile S3Emulator running;
        private static Path data;

        @Override
        public Map<String, String> start() {
            try {
                data = Files.createTempDirectory("s3-outage");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            S3EmulatorOptions first = S3EmulatorOptions.defaults().withDataDir(data)
                    .withCredentials("OUTAGETESTKEY000", "outage-test-secret-0000000000000000000000");
            running = S3Emulator.start(first);
            options = first.withPort(running.port());
            return running.storageProperties("outage", "s3test");
        }

        /** The store goes down: every connection to it is refused. */
        static void down() {
            running.close();
        }

        /** The store comes back where it was, with what it held. */
        static void up() {
            running = S3Emulator.start(options);
        }

        @Override
        public void stop() {
            running.close();
            dev.conveyor.emulator.OwnedFiles.deleteQuietly(data);
        }
    }

    @Inject
    ObjectStore store;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    private String scrape() throws Exception {
        return StageCounters.scrape(metrics);
    }

    @Test
    void aRequestTheStoreIsAwayForLongerThanThePolicyWaitsForItAndGetsItsOneResult() throws Exception {
        FaultyStore faulty = new FaultyStore(ClientProxy.unwrap(store));
        QuarkusMock.installMockForType(faulty, ObjectStore.class);
        String id = newId("store-away");
        faulty.failWrites(key -> key.startsWith("jobs/" + id + "/"), Integer.MAX_VALUE); // 503 until told otherwise

        probe().publish(id, "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        // one policy run is a second (a few tries, two writes each); well past it, the request is held and tried again
        java.util.regex.Pattern held = java.util.regex.Pattern.compile(
                "conveyor_stage_records_total\\{[^}]*outcome=\"held\",[^}]*stage=\"submission\"[^}]*\\} [1-9]");
        await("each hold counted").atMost(Duration.ofSeconds(60))
                .until(() -> faulty.refused() >= 12 && held.matcher(scrape()).find());
        assertThat(probe().on("conveyor.dlq", id)).as("not sent to the DLQ, where it would have no result").isEmpty();
        assertThat(probe().on("conveyor.results", id)).isEmpty();

        faulty.failWrites(key -> false, 0); // the store is back
        assertThat(probe().awaitResult(id, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.results", id).size() == 1 && probe().on("conveyor.dlq", id).isEmpty());
    }

    /** Staging (the inputs) and dispatch (the run state) wait for the store too: their jobs' results would wait for it anyway. */
    @Test
    void stagingAndDispatchWaitForTheStoreInsteadOfFailingTheJob() {
        stagingAndDispatchWait(false);
    }

    /**
     * The same when the failure comes wrapped, as from a store whose bean cannot start (S3's bucket check when a
     * restarted instance first uses the store): found by the chaos bench's store outage, which failed such jobs.
     */
    @Test
    void stagingAndDispatchWaitForAStoreThatCannotStartInsteadOfFailingTheJob() {
        stagingAndDispatchWait(true);
    }

    private void stagingAndDispatchWait(boolean unchecked) {
        FaultyStore faulty = new FaultyStore(ClientProxy.unwrap(store));
        QuarkusMock.installMockForType(faulty, ObjectStore.class);
        String staged = newId("inputs-away");
        String dispatched = newId("run-away");
        java.util.function.Predicate<String> keys = key -> key.startsWith("jobs/" + staged + "/tasks/t/inputs/")
                || key.startsWith("jobs/" + dispatched + "/run/");
        if (unchecked) {
            faulty.failWritesUnchecked(keys, Integer.MAX_VALUE);
        } else {
            faulty.failWrites(keys, Integer.MAX_VALUE);
        }

        probe().publish(staged, "{\"id\":\"" + staged + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\","
                + "\"inputs\":[{\"path\":\"in.txt\",\"content\":\"x\"}]}]}");
        probe().publish(dispatched, "{\"id\":\"" + dispatched + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        await().atMost(Duration.ofSeconds(60)).until(() -> faulty.refused() >= 20);
        assertThat(probe().on("conveyor.status", staged)).as("accepted, then held in staging")
                .extracting(JobProbe.Seen::value).anyMatch(v -> v.contains("\"ACCEPTED\"")).noneMatch(v -> v.contains("\"STAGED\""));
        assertThat(probe().on("conveyor.status", dispatched)).as("staged, then held in dispatch")
                .extracting(JobProbe.Seen::value).anyMatch(v -> v.contains("\"STAGED\"")).noneMatch(v -> v.contains("\"DISPATCHED\""));
        assertThat(probe().on("conveyor.results", staged)).isEmpty();
        assertThat(probe().on("conveyor.results", dispatched)).isEmpty();

        faulty.failWrites(key -> false, 0); // the store is back
        assertThat(probe().awaitResult(staged, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(probe().awaitResult(dispatched, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                probe().on("conveyor.results", staged).size() == 1 && probe().on("conveyor.results", dispatched).size() == 1
                        && probe().on("conveyor.dlq", staged).isEmpty() && probe().on("conveyor.dlq", dispatched).isEmpty());
    }

    /** How many times {@code stage} held a record so far (the counter of {@code outcome="held"}). */
    private double held(String stage) throws Exception {
        return StageCounters.held(metrics, stage);
    }

    /** A real outage: the S3 server itself down (connections refused), then back; nothing injected. */
    @Test
    void jobsSentWhileTheStoreServerIsDownEachGetTheirOneResultOnceItIsBack() throws Exception {
        List<String> ids = List.of(newId("s3-down"), newId("s3-down"), newId("s3-down"));
        double before = held("submission");
        OwnS3.down();
        try {
            ids.forEach(id -> probe().publish(id, "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},"
                    + "\"tasks\":[{\"id\":\"a\",\"command\":\"true\"},{\"id\":\"b\",\"command\":\"true\",\"needs\":[\"a\"]}]}"));
            // each request held at least twice: well past one run of the (shortened) policy, and still waiting
            await().atMost(Duration.ofSeconds(60)).until(() -> held("submission") >= before + 2 * ids.size());
            for (String id : ids) {
                assertThat(probe().on("conveyor.results", id)).isEmpty();
                assertThat(probe().on("conveyor.dlq", id)).isEmpty();
            }
        } finally {
            OwnS3.up();
        }
        for (String id : ids) {
            assertThat(probe().awaitResult(id, Duration.ofSeconds(60)).status()).as(id).isEqualTo(JobState.SUCCEEDED);
        }
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> ids.stream().allMatch(id ->
                probe().on("conveyor.results", id).size() == 1 && probe().on("conveyor.dlq", id).isEmpty()));
    }

    /** A local source that answers 503 to its first {@code failures} requests (all when negative), then "data". */
    private com.sun.net.httpserver.HttpServer source(int failures, java.util.concurrent.atomic.AtomicInteger asked) throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/in.txt", exchange -> {
            int n = asked.incrementAndGet();
            byte[] body = (failures < 0 || n <= failures ? "busy" : "data").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(failures < 0 || n <= failures ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String withSource(String id, com.sun.net.httpserver.HttpServer server) {
        return "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\","
                + "\"inputs\":[{\"path\":\"in.txt\",\"source\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/in.txt\"}]}]}";
    }

    /**
     * A source that fails for a while is tried in rounds, its record held between them — outside the staging slot it
     * used to hold for the policy's whole duration — and the job runs once the source answers.
     */
    @Test
    void aSourceThatRecoversIsWaitedForBetweenRoundsOutsideTheSlot() throws Exception {
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        var server = source(6, asked); // more than one round's tries (3)
        try {
            double before = held("staging");
            String id = newId("source-back");
            probe().publish(id, withSource(id, server));
            assertThat(probe().awaitResult(id, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(asked).as("six refused, then the one that answered").hasValue(7);
            assertThat(held("staging")).as("held between rounds").isGreaterThan(before);
        } finally {
            server.stop(0);
        }
    }

    /** One that never recovers still fails the job, naming the input, once the window (here 2 s) has passed. */
    @Test
    void aSourceThatNeverRecoversFailsTheJobNamingItAfterTheWindow() throws Exception {
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        var server = source(-1, asked);
        try {
            double before = held("staging");
            String id = newId("source-down");
            probe().publish(id, withSource(id, server));
            var result = probe().awaitResult(id, Duration.ofSeconds(60));
            assertThat(result.status()).isEqualTo(JobState.FAILED);
            assertThat(result.reason()).contains("staging failed").contains("answered HTTP 503").contains("/in.txt");
            assertThat(asked.get()).as("more than one round").isGreaterThan(3);
            assertThat(held("staging")).isGreaterThan(before);
        } finally {
            server.stop(0);
        }
    }
}
