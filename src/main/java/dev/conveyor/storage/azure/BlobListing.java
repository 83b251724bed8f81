package dev.conveyor.storage.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobContainerListDetails;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobContainersOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.conveyor.model.Json;
import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Paged listing in key order across the layout's containers ({@link BlobLayout}). A prefix inside
 * one job lists that job's container. A prefix that spans jobs ({@code jobs/}, {@code jobs/ab},
 * {@code ""}) visits, in key order, the main container's keys before {@code jobs/}, every matching
 * job container (found by List Containers with their job id in metadata — one call per 5,000 jobs,
 * made again on each page), then the main container's keys after {@code jobs/}.
 *
 * <p>Each Azure page is asked for exactly the objects still missing, so a page is never cut and
 * the continuation token is just where to go on: the source (main / a job id), Azure's own marker
 * in it, and where the main container's keys after {@code jobs/} begin.
 */
final class BlobListing {
    private static final String MAIN = "main";
    private static final String MAIN_BEFORE = "main-before";
    private static final String MAIN_AFTER = "main-after";
    private static final String JOB = "job:";

    /**
     * Where a listing goes on: opaque to callers (base64url of this as JSON).
     *
     * @param resume      Azure's marker of the main container's page where keys after {@code jobs/} begin
     * @param noMainAfter the main container holds no key after {@code jobs/}
     */
    record Cursor(String source, String marker, String resume, boolean noMainAfter) {
    }

    private final BlobServiceClient service;
    private final BlobLayout layout;
    private final Duration timeout;

    BlobListing(BlobServiceClient service, BlobLayout layout, Duration timeout) {
        this.service = service;
        this.layout = layout;
        this.timeout = timeout;
    }

    ListPage page(String prefix, String continuation, int maxResults) throws IOException {
        int max = Math.max(1, Math.min(1000, maxResults));
        List<String> sources = sources(prefix, BlobLayout.scopeOf(prefix));
        Cursor at = continuation != null ? decode(continuation)
                : new Cursor(sources.isEmpty() ? null : sources.get(0), null, null, false);
        int index = indexOf(sources, at.source());
        String marker = index < sources.size() && sources.get(index).equals(at.source()) ? at.marker() : null;
        String resume = at.resume();
        boolean noMainAfter = at.noMainAfter();
        List<StoredObject> out = new ArrayList<>();
        while (index < sources.size() && out.size() < max) {
            String source = sources.get(index);
            if (source.equals(MAIN_AFTER) && noMainAfter) {
                index++;
                continue;
            }
            PagedResponse<BlobItem> page = fetch(source, prefix, marker, max - out.size());
            boolean crossed = false;
            for (BlobItem item : page == null ? List.<BlobItem>of() : page.getValue()) {
                String name = item.getName();
                if (source.equals(MAIN_BEFORE) && name.compareTo(BlobLayout.JOBS) > 0) {
                    crossed = true; // the rest of this page comes after every job: listed again from `marker` then
                    break;
                }
                if (!(source.equals(MAIN_AFTER) && name.compareTo(BlobLayout.JOBS) < 0)) {
                    out.add(new StoredObject(name, item.getProperties().getContentLength()));
                }
            }
            String next = page == null ? null : page.getContinuationToken();
            if (crossed || next == null) {
                if (source.equals(MAIN_BEFORE)) {
                    resume = crossed ? marker : null;
                    noMainAfter = !crossed;
                }
                index++;
                marker = index < sources.size() && sources.get(index).equals(MAIN_AFTER) ? resume : null;
            } else {
                marker = next;
            }
        }
        return new ListPage(out, index < sources.size()
                ? encode(new Cursor(sources.get(index), marker, resume, noMainAfter)) : null);
    }

    /** The sources a prefix visits, in key order. */
    private List<String> sources(String prefix, BlobLayout.Scope scope) throws IOException {
        List<String> sources = new ArrayList<>();
        switch (scope) {
            case MAIN_ONLY -> sources.add(MAIN);
            case ONE_JOB -> sources.add(JOB + BlobLayout.jobOf(prefix).orElseThrow());
            case SOME_JOBS -> jobIds(prefix).forEach(id -> sources.add(JOB + id));
            case MAIN_AND_JOBS -> {
                sources.add(MAIN_BEFORE);
                jobIds(prefix).forEach(id -> sources.add(JOB + id));
                sources.add(MAIN_AFTER);
            }
        }
        return sources;
    }

    /** The position of {@code source}, or of the first source after it in key order when it is gone (a deleted job). */
    private static int indexOf(List<String> sources, String source) {
        if (source == null) {
            return sources.size();
        }
        for (int i = 0; i < sources.size(); i++) {
            if (order(sources.get(i)).compareTo(order(source)) >= 0) {
                return i;
            }
        }
        return sources.size();
    }

    private static String order(String source) {
        if (source.equals(MAIN) || source.equals(MAIN_BEFORE)) {
            return "";
        }
        return source.equals(MAIN_AFTER) ? "\uffff" : BlobLayout.jobPrefix(source.substring(JOB.length()));
    }

    /** Jobs whose keys can start with {@code prefix}, in key order: List Containers with their metadata. */
    List<String> jobIds(String prefix) {
        List<String> ids = new ArrayList<>();
        ListBlobContainersOptions options = new ListBlobContainersOptions().setPrefix(layout.jobContainerPrefix())
                .setMaxResultsPerPage(5000).setDetails(new BlobContainerListDetails().setRetrieveMetadata(true));
        for (BlobContainerItem c : service.listBlobContainers(options, timeout)) {
            Map<String, String> meta = c.getMetadata();
            String encoded = meta == null ? null : meta.get(BlobLayout.JOB_ID_METADATA);
            if (encoded != null) {
                String id = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
                if (layout.jobContainer(id).equals(c.getName()) && BlobLayout.jobMatches(id, prefix)) {
                    ids.add(id);
                }
            }
        }
        ids.sort(Comparator.comparing(BlobLayout::jobPrefix));
        return ids;
    }

    /** The names of every blob in {@code container} under {@code prefix}, page by page as it is iterated. */
    Iterable<String> names(String container, String prefix) {
        return () -> service.getBlobContainerClient(container)
                .listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(1000), timeout)
                .stream().map(BlobItem::getName).iterator();
    }

    private PagedResponse<BlobItem> fetch(String source, String prefix, String marker, int n) {
        String container = source.startsWith(JOB) ? layout.jobContainer(source.substring(JOB.length())) : layout.mainContainer();
        try {
            return service.getBlobContainerClient(container)
                    .listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(n), marker, timeout)
                    .streamByPage(marker).findFirst().orElse(null);
        } catch (RuntimeException e) {
            if (BlobErrors.isContainerMissing(e) || "ContainerBeingDeleted".equals(BlobErrors.code(e))) {
                return null; // not created yet, or deleted meanwhile: nothing there
            }
            throw e;
        }
    }

    private static String encode(Cursor c) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(c).getBytes(StandardCharsets.UTF_8));
    }

    private static Cursor decode(String token) throws IOException {
        try {
            return Json.MAPPER.readValue(Base64.getUrlDecoder().decode(token), Cursor.class);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("not a continuation token of this store: " + token);
        }
    }
}
