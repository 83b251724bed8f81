package dev.conveyor.compute.azure;

import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.azure.AzureBlobObjectStore;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The URLs an Azure Batch task gets (resource files, output-file container), against Azurite: the
 * write grant of one job's attempt cannot write into another job; a read URL reads its own blob
 * only; both stop working when they expire.
 */
class AzureBatchSasScopeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final AzureBlobObjectStore store = AzureBatchFixture.blobStore("sas" + UUID.randomUUID().toString().substring(0, 8));

    private static int put(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("x-ms-blob-type", "BlockBlob")
                .header("x-ms-version", "2021-08-06")
                .PUT(HttpRequest.BodyPublishers.ofString("written")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("x-ms-version", "2021-08-06").GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String base(URI u) {
        String s = u.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    @Test
    void aTasksWriteGrantWritesItsOwnJobOnlyAndAReadUrlReadsItsOwnBlobOnly() throws Exception {
        store.put("jobs/job-b/seed.txt", "b".getBytes(StandardCharsets.UTF_8));
        store.put("jobs/job-a/in/one.txt", "1".getBytes(StandardCharsets.UTF_8));
        store.put("jobs/job-a/in/two.txt", "2".getBytes(StandardCharsets.UTF_8));
        Instant in1h = Instant.now().plus(Duration.ofHours(1));
        PrefixGrant a = store.prefixGrant("jobs/job-a/tasks/t/attempt-1/", PrefixGrant.Access.WRITE, in1h).orElseThrow();
        PrefixGrant b = store.prefixGrant("jobs/job-b/tasks/t/attempt-1/", PrefixGrant.Access.WRITE, in1h).orElseThrow();
        String sasOfA = a.containerUrl().getRawQuery();

        assertThat(put(base(a.containerUrl()) + "/jobs/job-a/tasks/t/attempt-1/stdout.txt?" + sasOfA)).isEqualTo(201);
        assertThat(put(base(b.containerUrl()) + "/jobs/job-b/tasks/t/attempt-1/stdout.txt?" + sasOfA))
                .as("job a's grant on job b's container").isEqualTo(403);
        assertThat(get(base(a.containerUrl()) + "/jobs/job-a/in/one.txt?" + sasOfA)).as("a write grant does not read").isEqualTo(403);

        SignedUrl one = store.readUrl("jobs/job-a/in/one.txt", in1h);
        assertThat(get(one.url().toString())).isEqualTo(200);
        String two = one.url().toString().replace("one.txt", "two.txt");
        assertThat(get(two)).as("a read URL names one blob").isEqualTo(403);
        assertThat(put(one.url().toString())).as("a read URL does not write").isEqualTo(403);
        assertThat(one.expiresAt()).isBeforeOrEqualTo(in1h);
    }

    @Test
    void urlsStopWorkingWhenTheyExpire() throws Exception {
        store.put("jobs/job-c/in/f.txt", "c".getBytes(StandardCharsets.UTF_8));
        Instant soon = Instant.now().plusSeconds(3);
        SignedUrl read = store.readUrl("jobs/job-c/in/f.txt", soon);
        PrefixGrant write = store.prefixGrant("jobs/job-c/tasks/t/attempt-1/", PrefixGrant.Access.WRITE, soon).orElseThrow();
        String target = base(write.containerUrl()) + "/jobs/job-c/tasks/t/attempt-1/late.txt?" + write.containerUrl().getRawQuery();
        assertThat(get(read.url().toString())).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> get(read.url().toString()) == 403);
        assertThat(put(target)).isEqualTo(403);
        assertThat(read.expiresAt()).isBeforeOrEqualTo(soon);
    }
}
