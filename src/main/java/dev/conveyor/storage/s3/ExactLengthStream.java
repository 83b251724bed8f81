package dev.conveyor.storage.s3;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Gives exactly {@code length} bytes of a stream and fails with {@link EOFException} when the stream
 * ends before: a body sent with a Content-Length must never come up short (the server would wait
 * for the rest). Remembers the failure, because the SDK wraps what the body throws.
 */
final class ExactLengthStream extends FilterInputStream {
    private final long length;
    private long left;
    private EOFException shortBy;

    ExactLengthStream(InputStream in, long length) {
        super(in);
        this.length = length;
        this.left = length;
    }

    /** The failure when the stream ended early, else null. */
    EOFException shortBy() {
        return shortBy;
    }

    @Override
    public int read() throws IOException {
        if (left == 0) {
            return -1;
        }
        int b = super.read();
        if (b < 0) {
            throw ended();
        }
        left--;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (left == 0) {
            return -1;
        }
        int n = super.read(buf, off, (int) Math.min(len, left));
        if (n < 0) {
            throw ended();
        }
        left -= n;
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // never skip: every byte goes to the body
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // the caller owns the stream ("the stream is not closed")
    }

    private EOFException ended() {
        shortBy = new EOFException("the stream ended " + left + " bytes before the announced length " + length);
        return shortBy;
    }
}
