package dev.conveyor.compute.azure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Azure Batch ids from Conveyor ids. Azure allows {@code [A-Za-z0-9_-]}, at most 64 characters,
 * and compares ids without case; Conveyor job ids may hold '.', task ids may differ only in case.
 * An id that is already lower-case and valid is kept as it is (readable in the portal); any other
 * is lower-cased, its other characters made '-', cut to fit and ended with a hash of the exact id,
 * so distinct Conveyor ids never share an Azure id — and the same id always maps to the same one
 * (a retried add finds its own task).
 */
final class AzureIds {
    static final int MAX = 64;
    private static final int HASH = 12;

    private AzureIds() {
    }

    /** The Batch job of a Conveyor job: {@code cv-<job id>}. */
    static String job(String jobId) {
        return fit("cv-" + jobId);
    }

    /** The Batch task of one attempt: {@code <task id>-<attempt>}. */
    static String task(String taskId, int attempt) {
        return fit(taskId + "-" + attempt);
    }

    static String fit(String id) {
        if (id.length() <= MAX && id.matches("[a-z0-9_-]+")) {
            return id;
        }
        String s = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        String tail = "-" + hash(id);
        if (s.length() + tail.length() > MAX) {
            s = s.substring(0, MAX - tail.length());
        }
        return s + tail;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, HASH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
