package dev.conveyor.storage.azure;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A streamed upload in bounded memory: an object that fits in one block is one Put Blob; a larger
 * one (or a stream of unknown length that outgrows one block) is staged block by block (Put Block)
 * and committed (Put Block List). One buffer of one block is all it holds. Nothing is visible until
 * the commit, so a failure or a short stream leaves no object (Azure discards uncommitted blocks).
 * Block ids carry a per-upload random part, so two concurrent puts of one key never mix blocks.
 */
final class BlockUpload {
    /** Azure's limit of committed blocks per blob. */
    static final int MAX_BLOCKS = 50_000;

    /** The three calls an upload makes, each against one blob. */
    interface Target {
        void putWhole(byte[] data, int length) throws IOException;

        void stageBlock(String blockId, byte[] data, int length) throws IOException;

        void commit(List<String> blockIds) throws IOException;
    }

    private BlockUpload() {
    }

    /** Uploads exactly {@code length} bytes of {@code in} (a shorter stream is an error), or all of it when {@code length < 0}. */
    static void upload(InputStream in, long length, int blockSize, Target target) throws IOException {
        boolean known = length >= 0;
        InputStream source = known ? in : new PushbackInputStream(in, 1);
        int firstSize = (int) (known ? Math.min(blockSize, length) : blockSize);
        byte[] buf = new byte[firstSize];
        int n = readBlock(source, buf, firstSize, known, length, 0);
        boolean whole = known ? length <= blockSize : n < blockSize || atEnd((PushbackInputStream) source);
        if (whole) {
            target.putWhole(buf, n);
            return;
        }
        String uploadId = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        long total = 0;
        while (n > 0) {
            if (ids.size() == MAX_BLOCKS) {
                throw new IOException("object larger than " + MAX_BLOCKS + " blocks of " + blockSize
                        + " bytes: raise conveyor.storage.azure.block-size");
            }
            String id = blockId(uploadId, ids.size());
            target.stageBlock(id, buf, n);
            ids.add(id);
            total += n;
            int want = (int) (known ? Math.min(blockSize, length - total) : blockSize);
            n = want == 0 ? 0 : readBlock(source, buf, want, known, length, total);
        }
        target.commit(ids);
    }

    private static int readBlock(InputStream in, byte[] buf, int want, boolean known, long length, long before) throws IOException {
        int n = in.readNBytes(buf, 0, want);
        if (known && n < want) {
            throw new EOFException("the stream ended after " + (before + n) + " bytes, before the announced length " + length);
        }
        return n;
    }

    private static boolean atEnd(PushbackInputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            return true;
        }
        in.unread(b);
        return false;
    }

    /** Block ids of one blob must all have the same length: the upload's id and a zero-padded index. */
    static String blockId(String uploadId, int index) {
        return Base64.getEncoder().encodeToString(
                String.format("%s-%06d", uploadId, index).getBytes(StandardCharsets.US_ASCII));
    }
}
