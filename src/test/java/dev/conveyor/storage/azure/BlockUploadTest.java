package dev.conveyor.storage.azure;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a stream becomes calls: one Put Blob when it fits a block, else Put Block per block and one Put Block List. */
class BlockUploadTest {
    private static final int BLOCK = 1024;

    /** Records the calls and reassembles what a service would store. */
    private static final class Recorder implements BlockUpload.Target {
        final List<String> calls = new ArrayList<>();
        final List<String> staged = new ArrayList<>();
        final ByteArrayOutputStream stored = new ByteArrayOutputStream();
        final java.util.Map<String, byte[]> blocks = new java.util.HashMap<>();

        @Override
        public void putWhole(byte[] data, int length) {
            calls.add("put " + length);
            stored.write(data, 0, length);
        }

        @Override
        public void stageBlock(String blockId, byte[] data, int length) {
            calls.add("stage " + length);
            staged.add(blockId);
            blocks.put(blockId, java.util.Arrays.copyOf(data, length));
        }

        @Override
        public void commit(List<String> blockIds) {
            calls.add("commit " + blockIds.size());
            blockIds.forEach(id -> stored.writeBytes(blocks.get(id)));
        }
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 1);
        }
        return b;
    }

    @Test
    void anObjectThatFitsOneBlockIsOnePut() throws Exception {
        for (long length : new long[] {10, -1}) {
            Recorder r = new Recorder();
            BlockUpload.upload(new ByteArrayInputStream(data(10)), length, BLOCK, r);
            assertThat(r.calls).containsExactly("put 10");
        }
        Recorder exact = new Recorder();
        BlockUpload.upload(new ByteArrayInputStream(data(BLOCK)), -1, BLOCK, exact);
        assertThat(exact.calls).containsExactly("put " + BLOCK);
        Recorder empty = new Recorder();
        BlockUpload.upload(new ByteArrayInputStream(new byte[0]), -1, BLOCK, empty);
        assertThat(empty.calls).containsExactly("put 0");
    }

    @Test
    void aLargerObjectIsStagedBlockByBlockAndCommittedInOrder() throws Exception {
        for (long length : new long[] {2 * BLOCK + 5, -1}) {
            Recorder r = new Recorder();
            BlockUpload.upload(new ByteArrayInputStream(data(2 * BLOCK + 5)), length, BLOCK, r);
            assertThat(r.calls).containsExactly("stage " + BLOCK, "stage " + BLOCK, "stage 5", "commit 3");
            assertThat(r.stored.toByteArray()).isEqualTo(data(2 * BLOCK + 5));
            assertThat(r.staged).doesNotHaveDuplicates().allMatch(id -> id.length() == r.staged.get(0).length());
        }
    }

    @Test
    void aStreamShorterThanItsLengthFailsBeforeAnythingIsCommitted() {
        Recorder small = new Recorder();
        assertThatThrownBy(() -> BlockUpload.upload(new ByteArrayInputStream(data(3)), 10, BLOCK, small))
                .isInstanceOf(EOFException.class);
        assertThat(small.calls).isEmpty();
        Recorder large = new Recorder();
        assertThatThrownBy(() -> BlockUpload.upload(new ByteArrayInputStream(data(BLOCK + 3)), 3 * BLOCK, BLOCK, large))
                .isInstanceOf(EOFException.class);
        assertThat(large.calls).containsExactly("stage " + BLOCK);
    }

    @Test
    void onlyTheAnnouncedLengthIsRead() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(data(3 * BLOCK));
        Recorder r = new Recorder();
        BlockUpload.upload(in, BLOCK + 1, BLOCK, r);
        assertThat(r.calls).containsExactly("stage " + BLOCK, "stage 1", "commit 2");
        assertThat(in.available()).isEqualTo(2 * BLOCK - 1);
    }
}
