package dev.conveyor.storage;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The object-store contract: every {@link ObjectStore} runs this suite unchanged (the file store
 * on a temporary folder, Azure Blob against Azurite, S3 against S3Proxy). Each test works under its
 * own random job prefix, so a shared server needs no cleaning between tests.
 */
public abstract class ObjectStoreContract {

    /** The store under test (may be the same instance for every test). */
    protected abstract ObjectStore store();

    /**
     * Whether the store's signed URLs are bearer credentials checked by a server (scope and
     * expiry enforced). The {@code file} store's URLs are paths on this machine, for the local
     * backend only: it says false, and the scope/expiry tests report themselves as not applicable.
     */
    protected abstract boolean urlsAreEnforced();

    /** Largest single part the store uploads before switching to parts; an unknown-length put bigger than this is multipart. */
    protected int streamedSize() {
        return 12 * 1024 * 1024 + 17;
    }

    protected String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "jobs/contract-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] readAll(String key) throws IOException {
        try (InputStream in = store().get(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void putWithKnownLengthThenGetReturnsTheSameBytes() throws IOException {
        byte[] data = random(300_001, 1);
        store().put(prefix + "a/b.bin", new ByteArrayInputStream(data), data.length);
        assertThat(readAll(prefix + "a/b.bin")).isEqualTo(data);
    }

    @Test
    void putOfUnknownLengthStreamsALargeObjectInParts() throws IOException {
        int size = streamedSize();
        InputStream generated = new InputStream() { // never materialised: a deterministic byte stream
            int pos;

            @Override
            public int read() {
                return pos < size ? (pos++ * 31 + 7) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) ((pos++ * 31 + 7) & 0xff);
                }
                return n;
            }
        };
        store().put(prefix + "big.bin", generated, -1);
        try (InputStream in = store().get(prefix + "big.bin")) {
            byte[] buf = new byte[64 * 1024];
            long pos = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++, pos++) {
                    if (buf[i] != (byte) ((pos * 31 + 7) & 0xff)) {
                        throw new AssertionError("byte " + pos + " differs");
                    }
                }
            }
            assertThat(pos).isEqualTo(size);
        }
        assertThat(store().list(prefix, null, 10).objects()).extracting(StoredObject::size).containsExactly((long) size);
    }

    @Test
    void putReplacesAnExistingObject() throws IOException {
        store().put(prefix + "k", bytes("first"));
        store().put(prefix + "k", bytes("second, longer"));
        assertThat(readAll(prefix + "k")).isEqualTo(bytes("second, longer"));
    }

    @Test
    void putOfAStreamShorterThanItsAnnouncedLengthFailsAndStoresNothing() {
        assertThatThrownBy(() -> store().put(prefix + "short", new ByteArrayInputStream(bytes("abc")), 10))
                .isInstanceOf(IOException.class);
        assertThat(readQuietly(prefix + "short")).isNull();
    }

    private byte[] readQuietly(String key) {
        try {
            return store().read(key, 1024).orElse(null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void getOfAMissingObjectIsNoSuchFile() {
        assertThatThrownBy(() -> store().get(prefix + "missing")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().tail(prefix + "missing", 10)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void readReturnsSmallDocumentsInOneCallAndEmptyWhenAbsent() throws IOException {
        assertThat(store().read(prefix + "doc.json", 100)).isEmpty();
        store().put(prefix + "doc.json", bytes("{\"a\":1}"));
        assertThat(store().read(prefix + "doc.json", 100)).contains(bytes("{\"a\":1}"));
        store().put(prefix + "empty", new byte[0]);
        assertThat(store().read(prefix + "empty", 100)).contains(new byte[0]);
        assertThatThrownBy(() -> store().read(prefix + "doc.json", 3)).isInstanceOf(IOException.class);
    }

    @Test
    void readAllGivesWhatReadGivesForEachKeyInOrder() throws IOException {
        store().put(prefix + "a.json", bytes("{\"a\":1}"));
        store().put(prefix + "c.json", bytes("{\"c\":3}"));
        store().put(prefix + "empty", new byte[0]);
        List<String> keys = List.of(prefix + "a.json", prefix + "b.json", prefix + "c.json", prefix + "empty");
        // the store itself, and as the service holds it (counted per key)
        for (ObjectStore s : List.of(store(), ObservedObjectStore.of(store()))) {
            List<Optional<byte[]>> read = s.readAll(keys, 100);
            assertThat(read).hasSize(4);
            assertThat(read.get(0)).contains(bytes("{\"a\":1}"));
            assertThat(read.get(1)).isEmpty();
            assertThat(read.get(2)).contains(bytes("{\"c\":3}"));
            assertThat(read.get(3)).contains(new byte[0]);
            assertThat(s.readAll(List.of(), 100)).isEmpty();
            List<Optional<byte[]>> one = s.readAll(List.of(prefix + "c.json"), 100);
            assertThat(one).hasSize(1);
            assertThat(one.get(0)).contains(bytes("{\"c\":3}"));
            // one document too large fails the whole call, as read fails for it
            assertThatThrownBy(() -> s.readAll(List.of(prefix + "b.json", prefix + "a.json"), 3)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void eachCallsForEveryKeyAndAnswersInOrder() throws IOException {
        List<String> keys = List.of(prefix + "e1", prefix + "e2", prefix + "e3", prefix + "e4");
        for (ObjectStore s : List.of(store(), ObservedObjectStore.of(store()))) {
            List<Integer> sizes = s.each(keys, key -> {
                s.put(key, bytes(key));
                return s.read(key, 1000).orElseThrow().length;
            });
            assertThat(sizes).containsExactlyElementsOf(keys.stream().map(k -> k.length()).toList());
            assertThat(s.each(List.of(), key -> 1)).isEmpty();
            assertThatThrownBy(() -> s.each(keys, key -> {
                if (key.endsWith("e3")) {
                    throw new java.nio.file.NoSuchFileException(key);
                }
                return key;
            })).isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("e3");
        }
    }

    @Test
    void putAllStoresEachDocumentAsPutDoes() throws IOException {
        store().put(prefix + "old.sh", bytes("old"));
        Map<String, byte[]> documents = new java.util.LinkedHashMap<>();
        documents.put(prefix + "a/task.sh", bytes("echo a"));
        documents.put(prefix + "b/task.sh", bytes("echo b"));
        documents.put(prefix + "old.sh", bytes("new"));
        documents.put(prefix + "empty", new byte[0]);
        ObservedObjectStore.of(store()).putAll(documents);
        for (Map.Entry<String, byte[]> d : documents.entrySet()) {
            assertThat(store().read(d.getKey(), 100)).as(d.getKey()).contains(d.getValue());
        }
        store().putAll(Map.of(prefix + "c/task.sh", bytes("echo c")));
        assertThat(store().read(prefix + "c/task.sh", 100)).contains(bytes("echo c"));
        store().putAll(Map.of());
    }

    @Test
    void tailAllGivesWhatTailGivesForEachKeyInOrder() throws IOException {
        store().put(prefix + "out.txt", bytes("0123456789"));
        store().put(prefix + "err.txt", bytes("ab"));
        store().put(prefix + "empty.txt", new byte[0]);
        List<String> keys = List.of(prefix + "out.txt", prefix + "missing.txt", prefix + "err.txt", prefix + "empty.txt");
        for (ObjectStore s : List.of(store(), ObservedObjectStore.of(store()))) {
            List<Optional<byte[]>> tails = s.tailAll(keys, 4);
            assertThat(tails).hasSize(4);
            assertThat(tails.get(0)).contains(bytes("6789"));
            assertThat(tails.get(1)).as("an absent object has no tail").isEmpty();
            assertThat(tails.get(2)).contains(bytes("ab"));
            assertThat(tails.get(3)).contains(new byte[0]);
            assertThat(s.tailAll(List.of(), 4)).isEmpty();
            List<Optional<byte[]>> one = s.tailAll(List.of(prefix + "out.txt"), 100);
            assertThat(one).hasSize(1);
            assertThat(one.get(0)).contains(bytes("0123456789"));
        }
    }

    @Test
    void tailReturnsTheLastBytes() throws IOException {
        store().put(prefix + "log.txt", bytes("0123456789"));
        assertThat(store().tail(prefix + "log.txt", 4)).isEqualTo(bytes("6789"));
        assertThat(store().tail(prefix + "log.txt", 100)).isEqualTo(bytes("0123456789"));
        store().put(prefix + "empty.txt", new byte[0]);
        assertThat(store().tail(prefix + "empty.txt", 4)).isEmpty();
    }

    @Test
    void putIfAbsentCreatesOnceAndNeverOverwrites() throws IOException {
        assertThat(store().putIfAbsent(prefix + "marker", bytes("one"))).isTrue();
        assertThat(store().putIfAbsent(prefix + "marker", bytes("two"))).isFalse();
        assertThat(readAll(prefix + "marker")).isEqualTo(bytes("one"));
    }

    @Test
    void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] mine = bytes("racer-" + i);
                racers.add(() -> store().putIfAbsent(prefix + "race", mine));
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(racers)) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(new String(readAll(prefix + "race"), StandardCharsets.UTF_8)).startsWith("racer-");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listPagesThroughObjectsInKeyOrderUnderThePrefixOnly() throws IOException {
        for (int i = 0; i < 25; i++) {
            store().put(prefix + "p/" + String.format("%03d", i), bytes("x".repeat(i)));
        }
        store().put(prefix + "pq/outside", bytes("no"));
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            ListPage page = store().list(prefix + "p/", next, 10);
            assertThat(page.objects().size()).isLessThanOrEqualTo(10);
            page.objects().forEach(o -> seen.add(o.key()));
            next = page.continuation();
            pages++;
        } while (next != null && pages < 100);
        assertThat(seen).hasSize(25).isSorted().doesNotHaveDuplicates().allMatch(k -> k.startsWith(prefix + "p/"));
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(store().listAll(prefix + "p/")).extracting(StoredObject::size)
                .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> (long) i).toList());
        assertThat(store().listAll(prefix + "nothing-here/")).isEmpty();
    }

    @Test
    void deleteRemovesOneObjectAndIgnoresMissingOnes() throws IOException {
        store().put(prefix + "d1", bytes("1"));
        store().put(prefix + "d2", bytes("2"));
        store().delete(prefix + "d1");
        store().delete(prefix + "never-there");
        assertThat(store().listAll(prefix)).extracting(StoredObject::key).containsExactly(prefix + "d2");
    }

    @Test
    void deletePrefixRemovesEverythingUnderItAndNothingElse() throws IOException {
        int n = deletePrefixCount();
        for (int i = 0; i < n; i++) {
            store().put(prefix + "gone/" + i, bytes("g"));
        }
        store().put(prefix + "kept/x", bytes("k"));
        store().put(prefix + "gone-not/y", bytes("k"));
        store().deletePrefix(prefix + "gone/");
        assertThat(store().listAll(prefix)).extracting(StoredObject::key)
                .containsExactly(prefix + "gone-not/y", prefix + "kept/x");
    }

    /** How many objects {@link #deletePrefixRemovesEverythingUnderItAndNothingElse} deletes (past one S3 batch). */
    protected int deletePrefixCount() {
        return 30;
    }

    @Test
    void readUrlGetsTheObjectAndHonoursRanges() throws IOException {
        store().put(prefix + "in/data.txt", bytes("hello, signed world"));
        SignedUrl url = store().readUrl(prefix + "in/data.txt", Instant.now().plus(Duration.ofMinutes(10)));
        UrlTransfer.Response r = UrlTransfer.get(url);
        assertThat(r.ok()).as("GET status %s", r.status()).isTrue();
        assertThat(r.body()).isEqualTo(bytes("hello, signed world"));
        UrlTransfer.Response range = UrlTransfer.getRange(url, 7, 12);
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(bytes("signed"));
        assertThat(url.expiresAt()).isAfter(Instant.now());
    }

    @Test
    void writeUrlPutsExactlyItsObject() throws IOException {
        SignedUrl url = store().writeUrl(prefix + "out/result.txt", Instant.now().plus(Duration.ofMinutes(10)));
        UrlTransfer.Response r = UrlTransfer.put(url, bytes("from the task"));
        assertThat(r.ok()).as("PUT status %s: %s", r.status(), new String(r.body(), StandardCharsets.UTF_8)).isTrue();
        assertThat(readAll(prefix + "out/result.txt")).isEqualTo(bytes("from the task"));
    }

    @Test
    void aWriteUrlCannotWriteAnotherKey() throws IOException {
        Assumptions.assumeTrue(urlsAreEnforced(), store().type() + " URLs are local paths, not credentials: scope not applicable");
        SignedUrl mine = store().writeUrl(prefix + "out/mine.txt", Instant.now().plus(Duration.ofMinutes(10)));
        String other = "jobs/contract-other-" + UUID.randomUUID().toString().substring(0, 8) + "/out/theirs.txt";
        SignedUrl forged = new SignedUrl(java.net.URI.create(mine.url().toString()
                .replace(prefix + "out/mine.txt", other)), mine.headers(), mine.expiresAt());
        assertThat(forged.url()).isNotEqualTo(mine.url());
        UrlTransfer.Response r = UrlTransfer.put(forged, bytes("intruder"));
        assertThat(r.ok()).as("PUT with another key's signature must be refused, got %s", r.status()).isFalse();
        assertThat(store().read(other, 100)).isEmpty();
        UrlTransfer.Response read = UrlTransfer.get(forged);
        assertThat(read.ok()).as("a write URL must not read").isFalse();
    }

    @Test
    void aReadUrlCannotWrite() throws IOException {
        Assumptions.assumeTrue(urlsAreEnforced(), store().type() + " URLs are local paths, not credentials: scope not applicable");
        store().put(prefix + "ro.txt", bytes("original"));
        SignedUrl read = store().readUrl(prefix + "ro.txt", Instant.now().plus(Duration.ofMinutes(10)));
        UrlTransfer.Response r = UrlTransfer.put(read, bytes("overwritten"));
        assertThat(r.ok()).as("PUT through a read URL must be refused, got %s", r.status()).isFalse();
        assertThat(readAll(prefix + "ro.txt")).isEqualTo(bytes("original"));
    }

    @Test
    void urlsStopWorkingWhenTheyExpire() throws IOException {
        Assumptions.assumeTrue(urlsAreEnforced(), store().type() + " URLs are local paths, not credentials: expiry not applicable");
        store().put(prefix + "short-lived.txt", bytes("soon gone"));
        SignedUrl url = store().readUrl(prefix + "short-lived.txt", Instant.now().plusSeconds(2));
        assertThat(url.expiresAt()).isBefore(Instant.now().plusSeconds(3));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> !UrlTransfer.get(url).ok());
    }

    @Test
    void signedUrlsNeverShowTheirSignatureInText() {
        SignedUrl url = store().readUrl(prefix + "x", Instant.now().plusSeconds(600));
        String query = url.url().getRawQuery();
        if (query != null) {
            assertThat(url.toString()).doesNotContain(query);
        }
    }

    @Test
    void checkPassesOnAWorkingStore() throws IOException {
        store().check();
    }

    @Test
    void keysWithDotSegmentsOrNulAreRefused() {
        for (String bad : List.of("../x", "a/../b", "a/./b", "a/..", "a/.", "..", ".", "./a", "/abs", "a\u0000b", "")) {
            assertThatThrownBy(() -> store().put(bad, bytes("x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        Set<String> fine = new HashSet<>(List.of(prefix + "a b/c+d=e.txt", prefix + "ünï/ç",
                prefix + ".hidden/x", prefix + "...x", prefix + "a/..b/.c"));
        for (String key : fine) {
            try {
                store().put(key, bytes("ok"));
                assertThat(readAll(key)).isEqualTo(bytes("ok"));
            } catch (IOException e) {
                throw new AssertionError(key, e);
            }
        }
    }
}
