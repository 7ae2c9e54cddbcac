package org.qlstm.nn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** batchify and get_batch as the tutorial defines them (expected layouts worked out from PyTorch's view/t). */
class BatchesTest {

    @Test
    void batchifyLaysContiguousSlicesIntoColumns() {
        int[] tokens = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Batches b = Batches.batchify(tokens, 3);
        // torch.arange(10).narrow(0,0,9).view(3,-1).t() == [[0,3,6],[1,4,7],[2,5,8]]
        assertEquals(3, b.rows());
        assertArrayEquals(new int[] {0, 3, 6, 1, 4, 7, 2, 5, 8}, b.data());
    }

    @Test
    void batchSizeOneKeepsTheStream() {
        int[] tokens = {5, 6, 7};
        assertArrayEquals(tokens, Batches.batchify(tokens, 1).data());
    }

    @Test
    void chunksFollowGetBatch() {
        Batches b = Batches.batchify(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1);
        // range(0, 9, 4) -> i = 0, 4, 8; seq_len = min(4, 10 - 1 - i) = 4, 4, 1
        assertEquals(4, b.chunkLength(0, 4));
        assertEquals(4, b.chunkLength(4, 4));
        assertEquals(1, b.chunkLength(8, 4));
        int[] in = new int[4];
        int[] target = new int[4];
        b.inputs(8, 1, in);
        b.targets(8, 1, target);
        assertEquals(8, in[0]);
        assertEquals(9, target[0]);
    }

    @Test
    void rejectsNonPositiveBatch() {
        assertThrows(IllegalArgumentException.class, () -> Batches.batchify(new int[4], 0));
    }
}
