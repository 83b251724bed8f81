package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Runs one SDK call and maps its failures to typed {@link ComputeException}s: 429/5xx/408 and I/O
 * failures transient (with the service's Retry-After), everything else terminal with the service's
 * error code; {@link AzureBatchApi.BodyTooLarge} and typed exceptions pass through unchanged.
 */
final class BatchCalls {
    private final String url;

    BatchCalls(String url) {
        this.url = url;
    }

    <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (AzureBatchApi.BodyTooLarge | ComputeException e) {
            throw e;
        } catch (BatchErrorException e) {
            throw typed(operation, e);
        } catch (RuntimeException e) {
            if (ioCause(e)) {
                throw new TransientComputeException(operation + " on " + url + " failed: " + rootMessage(e), e);
            }
            throw new TerminalComputeException("ClientError", operation + " failed: " + rootMessage(e), e);
        }
    }

    void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    /**
     * An end-of-life call (delete, terminate) that may find its work done: "not found" (404) and the
     * service's {@code doneCodes} ({@code JobBeingDeleted}, {@code TaskCompleted}, …) count as success.
     */
    void runDoneIfGone(String operation, Runnable call, String... doneCodes) {
        run(operation, () -> {
            try {
                call.run();
            } catch (BatchErrorException e) {
                if (status(e) != 404 && !Arrays.asList(doneCodes).contains(code(e))) {
                    throw e;
                }
            }
        });
    }

    /** A read that answers null when the service has no such object (404). */
    <T> T getUnlessGone(String operation, Supplier<T> call) {
        return call(operation, () -> {
            try {
                return call.get();
            } catch (BatchErrorException e) {
                if (status(e) == 404) {
                    return null;
                }
                throw e;
            }
        });
    }

    /**
     * A create call that may find its object there already: true when it was added, false when the
     * service answered {@code existsCode} ({@code PoolExists}, {@code JobExists}).
     */
    boolean addUnlessExists(String operation, Runnable call, String existsCode) {
        return call(operation, () -> {
            try {
                call.run();
                return true;
            } catch (BatchErrorException e) {
                if (existsCode.equals(code(e))) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** The HTTP status of the failed call, 0 when there was no response. */
    static int status(BatchErrorException e) {
        return e.response() == null ? 0 : e.response().code();
    }

    /** The service's error code ({@code PoolExists}, {@code JobCompleted}, …), or null. */
    static String code(BatchErrorException e) {
        return e.body() == null ? null : e.body().code();
    }

    private static ComputeException typed(String operation, BatchErrorException e) {
        int status = status(e);
        String code = code(e);
        String message = e.body() != null && e.body().message() != null ? e.body().message().value() : e.getMessage();
        String text = operation + ": " + (code == null ? "HTTP " + status : code) + (message == null ? "" : " — " + message);
        if (status == 429 || status == 408 || status >= 500) {
            return new TransientComputeException(text, retryAfter(e), status == 429, null);
        }
        return new TerminalComputeException(code == null ? "HTTP" + status : code, text, null);
    }

    private static Duration retryAfter(BatchErrorException e) {
        if (e.response() == null) {
            return null;
        }
        String v = e.response().headers().get("Retry-After");
        if (v == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException ignored) {
            return null; // an HTTP date: rare from Batch; the backoff applies
        }
    }

    private static boolean ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
