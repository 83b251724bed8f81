package dev.conveyor.storage.azure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a key lives in the storage account.
 *
 * <ul>
 *   <li>A job's keys ({@code jobs/<id>/…}) live in a container of their own,
 *       {@code <prefix>-j-<readable id>-<hash>}: the job id lower-cased with every other character
 *       than a letter or digit as one hyphen, cut to fit Azure's 63 characters, then 16 hex digits
 *       of the SHA-256 of the exact id (so {@code Job.1} and {@code job-1} never share a container).
 *       The exact job id is kept in the container's metadata ({@value #JOB_ID_METADATA},
 *       percent-encoded) for listings across jobs.</li>
 *   <li>Every other key lives in the main container, {@code <prefix>}.</li>
 *   <li>A blob's name is always the whole key, in either container: a key reads the same in a URL,
 *       a listing and a log, and a job container holds only names starting with its own
 *       {@code jobs/<id>/}.</li>
 * </ul>
 *
 * Why: a flat-namespace account can scope a SAS to one blob or one whole container, nothing in
 * between. A container per job is what lets a task's write grant ({@code prefixGrant}) reach its
 * own job and nothing else, and lets a job's clean-up be one Delete Container call.
 * Keys under {@code jobs/} that do not name a job ({@code jobs/x} without a further {@code /}) are
 * refused, so the main container never holds a key a job listing would have to merge.
 */
final class BlobLayout {
    static final String JOBS = "jobs/";
    static final String JOB_ID_METADATA = "conveyorjobid";
    private static final int MAX_CONTAINER = 63;
    private static final int HASH_HEX = 16;
    /** Azure container names: lower-case letters, digits and single inner hyphens. */
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*");

    private final String mainContainer;
    private final String jobContainerPrefix;

    BlobLayout(String containerPrefix) {
        if (containerPrefix == null || containerPrefix.length() < 3 || containerPrefix.length() > 24
                || !PREFIX.matcher(containerPrefix).matches()) {
            throw new IllegalArgumentException("conveyor.storage.azure.container-prefix '" + containerPrefix
                    + "' must be 3 to 24 lower-case letters, digits and single inner hyphens");
        }
        this.mainContainer = containerPrefix;
        this.jobContainerPrefix = containerPrefix + "-j-";
    }

    /** One key's place: its container, the job it belongs to (null for the main container) and its blob name. */
    record Location(String container, String jobId, String blobName) {
    }

    String mainContainer() {
        return mainContainer;
    }

    /** Every job container's name starts with this (and the main container's does not). */
    String jobContainerPrefix() {
        return jobContainerPrefix;
    }

    Location locate(String key) {
        Optional<String> job = jobOf(key);
        if (job.isPresent()) {
            if (key.length() == JOBS.length() + job.get().length() + 1) {
                throw new IllegalArgumentException("invalid object key: " + key + " (names a job folder, not an object)");
            }
            return new Location(jobContainer(job.get()), job.get(), key);
        }
        if (key.startsWith(JOBS)) {
            throw new IllegalArgumentException("invalid object key: " + key + " (keys under jobs/ are jobs/<id>/<name>)");
        }
        return new Location(mainContainer, null, key);
    }

    /** The job a key or prefix belongs to: the id when it starts with {@code jobs/<id>/}. */
    static Optional<String> jobOf(String keyOrPrefix) {
        if (!keyOrPrefix.startsWith(JOBS)) {
            return Optional.empty();
        }
        int slash = keyOrPrefix.indexOf('/', JOBS.length());
        return slash <= JOBS.length() ? Optional.empty() : Optional.of(keyOrPrefix.substring(JOBS.length(), slash));
    }

    static String jobPrefix(String jobId) {
        return JOBS + jobId + "/";
    }

    String jobContainer(String jobId) {
        String hash = hash(jobId);
        int room = MAX_CONTAINER - jobContainerPrefix.length() - HASH_HEX - 1;
        String readable = readable(jobId, room);
        return jobContainerPrefix + (readable.isEmpty() ? "" : readable + "-") + hash;
    }

    /** The id lower-cased, each run of other characters than [a-z0-9] as one hyphen, trimmed to {@code room}. */
    private static String readable(String jobId, int room) {
        String s = jobId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (s.length() > room) {
            s = s.substring(0, room);
        }
        return s.replaceAll("^-+|-+$", "");
    }

    private static String hash(String jobId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Which part of the key space a listing or deletion of {@code prefix} touches: one job's
     * container ({@link Scope#ONE_JOB}), the job containers whose id starts with a partial id
     * ({@link Scope#SOME_JOBS}, prefix {@code jobs/ab}), everything in the main container and every
     * job ({@link Scope#MAIN_AND_JOBS}, prefix {@code ""}, {@code "jo"}…), or the main container only.
     */
    enum Scope { ONE_JOB, SOME_JOBS, MAIN_AND_JOBS, MAIN_ONLY }

    static Scope scopeOf(String prefix) {
        if (jobOf(prefix).isPresent()) {
            return Scope.ONE_JOB;
        }
        if (prefix.startsWith(JOBS)) {
            return Scope.SOME_JOBS;
        }
        return JOBS.startsWith(prefix) ? Scope.MAIN_AND_JOBS : Scope.MAIN_ONLY;
    }

    /** Whether the keys of job {@code jobId} can start with {@code prefix} (a listing of it must visit the job). */
    static boolean jobMatches(String jobId, String prefix) {
        String p = jobPrefix(jobId);
        return p.startsWith(prefix) || prefix.startsWith(p);
    }
}
