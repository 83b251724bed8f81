package dev.conveyor.storage.s3;

import dev.conveyor.storage.StoreUnavailableException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;

/**
 * The body of a GET: a connection that breaks or stalls while the body is read is the store being
 * unavailable ({@link StoreUnavailableException}), like a failure before the first byte.
 */
final class S3ReadStream extends FilterInputStream {
    private final S3Errors errors;

    S3ReadStream(ResponseInputStream<?> in, S3Errors errors) {
        super(in);
        this.errors = errors;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException | SdkException e) {
            throw broken(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException | SdkException e) {
            throw broken(e);
        }
    }

    private IOException broken(Exception e) {
        if (e instanceof EOFException eof) {
            return eof;
        }
        if (e instanceof SdkException sdk) {
            return errors.map("GetObject (reading the body)", sdk);
        }
        return new StoreUnavailableException("S3 GetObject on bucket '" + errors.bucket()
                + "': the connection broke while reading the body (" + e.getClass().getSimpleName() + ")", null, e);
    }
}
