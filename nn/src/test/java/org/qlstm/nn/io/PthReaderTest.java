package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips: archives written by {@link PthFixture} come back with the right names, shapes and values. */
class PthReaderTest {
    @TempDir
    Path dir;

    /** 0, 1, 2, ... n-1 as floats. */
    private static float[] arange(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static long[] l(long... v) {
        return v;
    }

    @Test
    void readsContiguousTensorsInFileOrder() throws Exception {
        PthFixture f = PthFixture.archive("model");
        List<String> names = new ArrayList<>();
        // Many keys in non-sorted order: a HashMap anywhere on the way would scramble them.
        for (int i = 0; i < 40; i++) {
            String name = "layer" + (i * 7919 % 40) + ".weight";
            names.add(name);
            f.contiguous(name, new int[] {2, 3}, 6 * i, 6 * i + 1, 6 * i + 2, 6 * i + 3, 6 * i + 4, 6 * i + 5);
        }
        f.contiguous("bias", new int[] {4}, 0.5f, -1.25f, 3e-39f, Float.MAX_VALUE);
        names.add("bias");

        StateDict sd = PthReader.read(f.write(dir.resolve("m.pth")));

        assertEquals(names, sd.names());
        Tensor w = sd.tensor("layer7.weight", 2);
        assertArrayEquals(new int[] {2, 3}, w.shape());
        int i = names.indexOf("layer7.weight");
        assertArrayEquals(new float[] {6 * i, 6 * i + 1, 6 * i + 2, 6 * i + 3, 6 * i + 4, 6 * i + 5}, w.data());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3e-39f, Float.MAX_VALUE}, sd.tensor("bias", 1).data());
    }

    @Test
    void honoursOffsetsAndStridesOfViews() throws Exception {
        // One storage [[0..3],[4..7],[8..11]] viewed five ways, as torch saves views of one tensor.
        StateDict sd = PthReader.read(PthFixture.archive("views").storage("0", arange(12))
                .tensor("whole", "0", 0, l(3, 4), l(4, 1))
                .tensor("transposed", "0", 0, l(4, 3), l(1, 4))
                .tensor("row1", "0", 4, l(4), l(1))
                .tensor("col2", "0", 2, l(3), l(4))
                .tensor("block", "0", 5, l(2, 2), l(4, 1))
                .write(dir.resolve("v.pth")));

        assertArrayEquals(arange(12), sd.get("whole").data());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, sd.get("transposed").data());
        assertArrayEquals(new int[] {4, 3}, sd.get("transposed").shape());
        assertArrayEquals(new float[] {4, 5, 6, 7}, sd.get("row1").data());
        assertArrayEquals(new float[] {2, 6, 10}, sd.get("col2").data());
        assertArrayEquals(new float[] {5, 6, 9, 10}, sd.get("block").data());
    }

    @Test
    void materializesPermutedAndExpandedViewsRowMajor() throws Exception {
        // storage viewed as a[i][j][k] = 6i + 3j + k with shape (2, 2, 3); view b = a.permute(2, 0, 1)
        StateDict sd = PthReader.read(PthFixture.archive("p").storage("0", arange(12))
                .tensor("permuted", "0", 0, l(3, 2, 2), l(1, 6, 3))
                .tensor("expanded", "0", 1, l(2, 3), l(0, 1)) // a row broadcast with stride 0
                .write(dir.resolve("p.pth")));

        float[] expected = new float[12];
        int n = 0;
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    expected[n++] = 6 * i + 3 * j + k;
                }
            }
        }
        assertArrayEquals(expected, sd.get("permuted").data());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, sd.get("expanded").data());
    }

    @Test
    void readsScalarAndEmptyTensors() throws Exception {
        StateDict sd = PthReader.read(PthFixture.archive("s")
                .contiguous("scalar", new int[0], 42f)
                .contiguous("empty", new int[] {0, 5})
                .write(dir.resolve("s.pth")));

        assertEquals(0, sd.get("scalar").rank());
        assertArrayEquals(new float[] {42f}, sd.get("scalar").data());
        assertArrayEquals(new int[] {0, 5}, sd.get("empty").shape());
        assertEquals(0, sd.get("empty").numel());
    }

    @Test
    void tensorsSharingAStorageGetTheirOwnArrays() throws Exception {
        // Tied weights (decoder.weight is encoder.weight) are saved as two views of one storage.
        StateDict sd = PthReader.read(PthFixture.archive("t").storage("0", arange(6))
                .tensor("encoder.weight", "0", 0, l(3, 2), l(2, 1))
                .tensor("decoder.weight", "0", 0, l(3, 2), l(2, 1))
                .write(dir.resolve("t.pth")));

        assertArrayEquals(sd.get("encoder.weight").data(), sd.get("decoder.weight").data());
        assertNotSame(sd.get("encoder.weight").data(), sd.get("decoder.weight").data());
    }

    @Test
    void acceptsLittleEndianByteOrderEntryAndAnyPrefix() throws Exception {
        StateDict sd = PthReader.read(PthFixture.archive("some name, not the file's")
                .contiguous("w", new int[] {2}, 1f, 2f)
                .entry("byteorder", "little".getBytes(StandardCharsets.US_ASCII))
                .entry(".data/serialization_id", "1234".getBytes(StandardCharsets.US_ASCII))
                .write(dir.resolve("b.pth")));

        assertArrayEquals(new float[] {1f, 2f}, sd.get("w").data());
    }

    @Test
    void readsProtocol4OpcodesAndParameters() throws Exception {
        // STACK_GLOBAL, MEMOIZE, FRAME, SHORT_BINUNICODE; the tensor wrapped in _rebuild_parameter.
        PickleWriter p = new PickleWriter().proto(4).op(0x95).bytes(new byte[8]) // FRAME, length ignored
                .stackGlobal("collections", "OrderedDict").op(0x94).emptyTuple().reduce().op(0x94)
                .shortUnicode("w").op(0x94)
                .stackGlobal("torch._utils", "_rebuild_parameter").mark()
                .stackGlobal("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().shortUnicode("storage").stackGlobal("torch", "FloatStorage").shortUnicode("0")
                .shortUnicode("cpu").integer(3).tuple().binpersid()
                .integer(0).intTuple(3).intTuple(1).newFalse().binget(0).emptyTuple().reduce().tuple().reduce()
                .op(0x88).emptyDict().tuple().reduce() // NEWTRUE requires_grad, hooks {}
                .setitem().stop();
        StateDict sd = PthReader.read(PthFixture.archive("p4").storage("0", 7f, 8f, 9f)
                .pickle(p.toByteArray()).write(dir.resolve("p4.pth")));

        assertArrayEquals(new float[] {7f, 8f, 9f}, sd.get("w").data());
    }

    @Test
    void readsNonFiniteValuesAndReportsTheFirst() throws Exception {
        StateDict sd = PthReader.read(PthFixture.archive("n")
                .contiguous("fine", new int[] {2}, 1f, 2f)
                .contiguous("bad", new int[] {2, 2}, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY)
                .contiguous("worse", new int[] {1}, Float.NEGATIVE_INFINITY)
                .write(dir.resolve("n.pth")));

        StateDict.NonFinite first = sd.findNonFinite().orElseThrow();
        assertEquals("bad", first.name());
        assertEquals(2, first.index());
        assertTrue(Float.isNaN(first.value()));
        assertEquals("bad[2] = NaN", first.toString());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(sd.get("bad").data()[1]));
    }
}
