package dev.conveyor.storage.azure;

import com.azure.storage.blob.BlobContainerClient;
import dev.conveyor.emulator.azurite.AzuriteContainers;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoredObject;
import dev.conveyor.storage.UrlTransfer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where keys land in the account, and that a job's grants stay inside its own container (against Azurite). */
class AzureBlobLayoutTest {
    private static final AzuriteContainers AZURITE = new AzuriteContainers(SharedAzurite.get());
    private AzureBlobObjectStore store;
    private String prefix;

    @BeforeEach
    void freshStore() {
        prefix = "lay" + UUID.randomUUID().toString().substring(0, 8);
        store = AzuriteStores.store(prefix);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aJobsKeysLiveInAContainerOfItsOwnAndOtherKeysInTheMainContainer() throws IOException {
        store.put(JobKeys.spec("Job.1"), bytes("{}"));
        store.put(JobKeys.spec("job-1"), bytes("{}"));
        store.put("bench/run.json", bytes("{}"));

        String one = store.containerOf(JobKeys.spec("Job.1"));
        String other = store.containerOf(JobKeys.spec("job-1"));
        assertThat(one).isNotEqualTo(other).startsWith(prefix + "-j-job-1-").matches("[a-z0-9-]{3,63}");
        assertThat(AZURITE.blobNames(one)).containsExactly("jobs/Job.1/spec.json");
        assertThat(AZURITE.blobNames(other)).containsExactly("jobs/job-1/spec.json");
        assertThat(AZURITE.blobNames(prefix)).containsExactly("bench/run.json");
        BlobContainerClient c = AZURITE.service().getBlobContainerClient(one);
        assertThat(URLDecoder.decode(c.getProperties().getMetadata().get("conveyorjobid"), StandardCharsets.UTF_8))
                .isEqualTo("Job.1");
    }

    @Test
    void aLongOrUnusualJobIdStillGetsAValidContainerName() throws IOException {
        String id = "A_very.Long--job_id." + "x".repeat(44);
        store.put(JobKeys.spec(id), bytes("{}"));
        assertThat(store.containerOf(JobKeys.spec(id))).hasSizeLessThanOrEqualTo(63)
                .matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*");
        assertThat(store.read(JobKeys.spec(id), 10)).contains(bytes("{}"));
    }

    @Test
    void keysUnderJobsThatNameNoJobAreRefused() {
        assertThatThrownBy(() -> store.put("jobs/loose", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("jobs//x", bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJobsWriteUrlCannotWriteIntoAnotherJobsContainer() throws IOException {
        store.put(JobKeys.spec("victim"), bytes("{}"));
        SignedUrl mine = store.writeUrl(JobKeys.values("attacker", "t"), Instant.now().plusSeconds(600));
        String myContainer = store.containerOf(JobKeys.values("attacker", "t"));
        String theirs = store.containerOf(JobKeys.spec("victim"));
        for (String target : List.of(JobKeys.values("attacker", "t"), JobKeys.values("victim", "t"), JobKeys.spec("victim"))) {
            SignedUrl forged = new SignedUrl(URI.create(mine.url().toString().replace(myContainer, theirs)
                    .replace(JobKeys.values("attacker", "t"), target)), mine.headers(), mine.expiresAt());
            UrlTransfer.Response r = UrlTransfer.put(forged, bytes("intruder"));
            assertThat(r.status()).as("PUT %s into the other job's container", target).isEqualTo(403);
        }
        assertThat(AZURITE.blobNames(theirs)).containsExactly(JobKeys.spec("victim"));
        assertThat(store.read(JobKeys.spec("victim"), 10)).contains(bytes("{}"));
        assertThat(UrlTransfer.put(mine, bytes("k=v\n")).ok()).isTrue();
    }

    @Test
    void prefixGrantsAreContainerSasOfTheJobAndNothingOutsideJobs() throws IOException {
        store.put(JobKeys.inputs("j1", "t") + "a.txt", bytes("alpha"));
        PrefixGrant read = store.prefixGrant(JobKeys.inputs("j1", "t"), PrefixGrant.Access.READ, Instant.now().plusSeconds(600)).orElseThrow();
        assertThat(read.containerUrl().getPath()).endsWith("/" + store.containerOf(JobKeys.spec("j1")));
        assertThat(read.path()).isEqualTo(JobKeys.inputs("j1", "t"));
        assertThat(read.containerUrl().getQuery()).contains("sr=c").contains("sp=rl");
        assertThat(read.toString()).doesNotContain("sig=");
        assertThat(store.prefixGrant("bench/", PrefixGrant.Access.READ, Instant.now().plusSeconds(60))).isEmpty();
        assertThat(store.prefixGrant("jobs/", PrefixGrant.Access.WRITE, Instant.now().plusSeconds(60))).isEmpty();

        PrefixGrant write = store.prefixGrant(JobKeys.outputs("j1", "t"), PrefixGrant.Access.WRITE, Instant.now().plusSeconds(600)).orElseThrow();
        assertThat(write.containerUrl().getQuery()).contains("sp=cw");
        UrlTransfer.Response list = UrlTransfer.get(new SignedUrl(URI.create(write.containerUrl() + "&restype=container&comp=list"),
                java.util.Map.of(), write.expiresAt()));
        assertThat(list.ok()).as("a write grant must not list").isFalse();
    }

    @Test
    void deletingAJobPrefixDeletesItsContainer() throws IOException {
        store.put(JobKeys.spec("gone"), bytes("{}"));
        store.put(JobKeys.logs("gone", "t") + "stdout.txt", bytes("out"));
        store.put(JobKeys.spec("kept"), bytes("{}"));
        String container = store.containerOf(JobKeys.spec("gone"));
        assertThat(AZURITE.exists(container)).isTrue();

        store.deletePrefix(JobKeys.jobPrefix("gone"));

        assertThat(AZURITE.exists(container)).isFalse();
        assertThat(store.read(JobKeys.spec("gone"), 10)).isEmpty();
        assertThat(store.listAll("jobs/")).extracting(StoredObject::key).containsExactly(JobKeys.spec("kept"));
    }

    @Test
    void listingAcrossJobsPagesInKeyOrderThroughTheMainContainerAndEveryJob() throws IOException {
        List<String> keys = new ArrayList<>(List.of("a/first", "jobs", "jobs-x/not-a-job", "zz/last"));
        for (String job : List.of("b", "a", "a-b", "c.1")) {
            for (int i = 0; i < 3; i++) {
                keys.add("jobs/" + job + "/f" + i);
            }
        }
        for (String k : keys) {
            store.put(k, bytes(k));
        }
        List<String> sorted = keys.stream().sorted().toList();

        assertThat(pageThrough("", 4)).containsExactlyElementsOf(sorted);
        assertThat(pageThrough("jobs/", 5)).containsExactlyElementsOf(sorted.stream().filter(k -> k.startsWith("jobs/")).toList());
        assertThat(pageThrough("jobs/a", 2)).containsExactly("jobs/a-b/f0", "jobs/a-b/f1", "jobs/a-b/f2",
                "jobs/a/f0", "jobs/a/f1", "jobs/a/f2");
        assertThat(pageThrough("jobs/a/", 1)).containsExactly("jobs/a/f0", "jobs/a/f1", "jobs/a/f2");
        assertThat(pageThrough("jobs", 100)).containsExactlyElementsOf(sorted.stream().filter(k -> k.startsWith("jobs")).toList());
        assertThat(pageThrough("z", 3)).containsExactly("zz/last");

        store.deletePrefix("jobs/a");
        assertThat(pageThrough("", 1000)).containsExactlyElementsOf(sorted.stream()
                .filter(k -> !k.startsWith("jobs/a")).toList());
    }

    private List<String> pageThrough(String listPrefix, int pageSize) throws IOException {
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            ListPage page = store.list(listPrefix, next, pageSize);
            assertThat(page.objects()).hasSizeLessThanOrEqualTo(pageSize);
            page.objects().forEach(o -> seen.add(o.key()));
            next = page.continuation();
        } while (next != null && ++pages < 100);
        return seen;
    }
}
