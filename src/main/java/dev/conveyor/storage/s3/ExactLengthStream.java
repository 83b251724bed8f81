package dev.conveyor.storage.s3;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Gives exactly {@code length} bytes of a stream and fails with {@link EOFException} when the stream
 * ends before: a body sent with a Content-Length must never come up short (the server would wait
 * for the rest). Remembers how the stream failed (ended early, or threw), because the SDK wraps what
 * a body throws as if S3 had failed.
 */
final class ExactLengthStream extends FilterInputStream {
    private final long length;
    private long left;
    private IOException failure;

    ExactLengthStream(InputStream in, long length) {
        super(in);
        this.length = length;
        this.left = length;
    }

    /** How the stream failed (an {@link EOFException} when it ended early), else null. */
    IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        if (left == 0) {
            return -1;
        }
        int b = source(() -> super.read());
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
        int n = source(() -> super.read(buf, off, (int) Math.min(len, left)));
        if (n < 0) {
            throw ended();
        }
        left -= n;
        return n;
    }

    private interface Read {
        int read() throws IOException;
    }

    private int source(Read read) throws IOException {
        try {
            return read.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
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
        EOFException e = new EOFException("the stream ended " + left + " bytes before the announced length " + length);
        failure = e;
        return e;
    }
}
