package dev.conveyor.storage.azure;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A blob being read: what the SDK's stream throws mid-read becomes the store's typed, secret-free error. */
final class BlobReadStream extends FilterInputStream {
    private final BlobErrors errors;
    private final String what;

    BlobReadStream(InputStream in, BlobErrors errors, String what) {
        super(in);
        this.errors = errors;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException | RuntimeException e) {
            throw errors.map(e, what);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw errors.map(e, what);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException | RuntimeException e) {
            throw errors.map(e, what);
        }
    }
}
