package dev.conveyor.staging;

import com.sun.net.httpserver.HttpServer;
import dev.conveyor.model.JobSpec;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.storage.s3.S3StoreOptions;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Staging puts every task's inputs into the store — on S3 (and Blob) all of them at once, on a folder
 * one after another — and an input that cannot be read fails the job with a reason naming it; a write the
 * store refuses is the store's failure, not the input's.
 */
class StagingServiceTest {
    @TempDir
    Path dir;

    @Test
    void stagesEveryInputOnAFolder() throws Exception {
        stagesEveryInput(new FileObjectStore(dir.resolve("store")));
    }

    @Test
    void stagesEveryInputOnS3AtOnce() throws Exception {
        try (S3ObjectStore s3 = s3()) {
            stagesEveryInput(s3);
        }
    }

    private void stagesEveryInput(ObjectStore store) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        StringBuilder yaml = new StringBuilder("tasks:\n");
        for (int i = 0; i < 40; i++) {
            Files.writeString(data.resolve("in-" + i + ".csv"), "row," + i + "\n");
            yaml.append("  - id: t").append(i).append("\n    command: 'cat a.txt b.csv'\n    inputs:\n")
                    .append("      - {path: a.txt, content: 'inline ").append(i).append("'}\n")
                    .append("      - {path: b.csv, source: '").append(data.resolve("in-" + i + ".csv").toUri()).append("'}\n");
        }
        JobSpec job = Jobs.of("stage-" + UUID.randomUUID().toString().substring(0, 8), yaml.toString());
        StagingService staging = new StagingService(store, new InputSources(List.of(data)), clock());

        staging.stage(submitted(job), job);

        for (int i = 0; i < 40; i++) {
            String prefix = JobKeys.inputs(job.id(), "t" + i);
            assertThat(text(store, prefix + "a.txt")).isEqualTo("inline " + i);
            assertThat(text(store, prefix + "b.csv")).isEqualTo("row," + i + "\n");
        }
    }

    @Test
    void anInputThatCannotBeReadFailsTheJobNamingItOnS3AsOnAFolder() throws Exception {
        Path data = Files.createDirectories(dir.resolve("allowed"));
        Files.writeString(data.resolve("ok.txt"), "ok");
        JobSpec job = Jobs.of("stage-missing-" + UUID.randomUUID().toString().substring(0, 8), """
                tasks:
                  - id: good
                    command: 'true'
                    inputs: [{path: ok.txt, source: '%s'}]
                  - id: bad
                    command: 'true'
                    inputs: [{path: gone.txt, source: '%s'}]
                """.formatted(data.resolve("ok.txt").toUri(), data.resolve("gone.txt").toUri()));
        try (S3ObjectStore s3 = s3()) {
            for (ObjectStore store : List.of(new FileObjectStore(dir.resolve("store")), s3)) {
                StagingService staging = new StagingService(store, new InputSources(List.of(data)), clock());
                assertThatThrownBy(() -> staging.stage(submitted(job), job))
                        .isInstanceOf(StagingException.class)
                        .hasMessageContaining("gone.txt");
            }
        }
    }

    @Test
    void aStoreThatRefusesAWriteIsTheStoresFailureNotTheInputs() throws Exception {
        Path data = Files.createDirectories(dir.resolve("allowed"));
        Files.writeString(data.resolve("in.txt"), "in");
        JobSpec job = Jobs.of("stage-refused-" + UUID.randomUUID().toString().substring(0, 8), """
                tasks:
                  - id: t
                    command: 'true'
                    inputs: [{path: in.txt, source: '%s'}]
                """.formatted(data.resolve("in.txt").toUri()));
        FaultyStore store = new FaultyStore(new FileObjectStore(dir.resolve("store")));
        store.refuseWrites(k -> k.endsWith("/in.txt"));
        StagingService staging = new StagingService(store, new InputSources(List.of(data)), clock());

        assertThatThrownBy(() -> staging.stage(submitted(job), job))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(StagingException.class)
                .hasMessageContaining("the store refused to write");
        assertThat(store.refused()).isEqualTo(1);
    }

    @Test
    void aSourceThatBreaksOffMidwayFailsTheJobNamingTheInputAndItsSource() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big.csv", exchange -> {
            exchange.sendResponseHeaders(200, 1_000_000); // promises a megabyte, sends a line, hangs up
            exchange.getResponseBody().write("a,b\n".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0);
        });
        server.start();
        try {
            String source = "http://127.0.0.1:" + server.getAddress().getPort() + "/big.csv";
            JobSpec job = Jobs.of("stage-broken-" + UUID.randomUUID().toString().substring(0, 8), """
                    tasks:
                      - id: t
                        command: 'true'
                        inputs: [{path: big.csv, source: '%s'}]
                    """.formatted(source));
            FaultyStore store = new FaultyStore(new FileObjectStore(dir.resolve("store")));
            StagingService staging = new StagingService(store, new InputSources(List.of(), List.of("127.0.0.1")), clock());

            assertThatThrownBy(() -> staging.stage(submitted(job), job))
                    .isInstanceOfSatisfying(StagingException.class, e -> assertThat(e.isTransient()).as("tried again").isTrue())
                    .hasMessageContaining("staging 'big.csv' of task 't' failed: its source could not be read");
            assertThat(store.read(JobKeys.inputs(job.id(), "t") + "big.csv", 100)).as("nothing half-staged").isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSourceThatAnswers503IsTriedAgainUnderTheStagesPolicyAndOneThatKeepsFailingNamesIt() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/flaky.csv", exchange -> {
            byte[] body = (hits.incrementAndGet() <= 2 ? "busy" : "a,b\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(hits.get() <= 2 ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/down.csv", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            FileObjectStore store = new FileObjectStore(dir.resolve("store"));
            StagingService staging = new StagingService(store, new InputSources(List.of(), List.of("127.0.0.1")), clock());
            CallPolicy stages = new CallPolicy("stages", RetrySettings.quick(3));
            JobSpec flaky = Jobs.of("stage-flaky-" + UUID.randomUUID().toString().substring(0, 8), """
                    tasks: [{id: t, command: 'true', inputs: [{path: in.csv, source: '%s/flaky.csv'}]}]
                    """.formatted(base));

            stages.call("stage", () -> staging.stage(submitted(flaky), flaky));

            assertThat(hits).as("two 503s, then the file").hasValue(3);
            assertThat(text(store, JobKeys.inputs(flaky.id(), "t") + "in.csv")).isEqualTo("a,b\n");

            JobSpec down = Jobs.of("stage-down-" + UUID.randomUUID().toString().substring(0, 8), """
                    tasks: [{id: t, command: 'true', inputs: [{path: in.csv, source: '%s/down.csv'}]}]
                    """.formatted(base));
            assertThatThrownBy(() -> stages.call("stage", () -> staging.stage(submitted(down), down)))
                    .isInstanceOf(CallPolicy.CallFailedException.class)
                    .cause().isInstanceOf(StagingException.class).hasMessageContaining("/down.csv' answered HTTP 503");
        } finally {
            server.stop(0);
        }
    }

    private static S3ObjectStore s3() throws Exception {
        S3ObjectStore s3 = new S3ObjectStore(S3ProxyFixture.account(),
                S3StoreOptions.of("staging").withKeyPrefix("staging-" + UUID.randomUUID()));
        s3.createBucketIfMissing();
        return s3;
    }

    private static String text(ObjectStore store, String key) throws Exception {
        return new String(store.read(key, 1000).orElseThrow(), StandardCharsets.UTF_8);
    }

    private static JobSubmitted submitted(JobSpec job) {
        return new JobSubmitted(job.id(), job.id(), "specs/" + job.id(), "0".repeat(64), job.tasks().size(), "local",
                "requests/0/1@2026-12-07T05:00:00Z", Instant.parse("2026-12-07T05:00:00Z"));
    }

    private static Clock clock() {
        return Clock.fixed(Instant.parse("2026-12-07T05:00:00Z"), ZoneOffset.UTC);
    }
}
