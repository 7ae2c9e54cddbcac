package org.qlstm.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile, broken and unsupported files: each must give a {@link ModelFileException} whose one-line
 * message names the file and the problem, quickly and without allocating what the file claims.
 */
class PthReaderRejectionTest {
    @TempDir
    Path dir;

    private static long[] l(long... v) {
        return v;
    }

    /** Reads {@code file}, expecting a refusal whose message contains every fragment. */
    private static ModelFileException assertRefused(Path file, String... fragments) {
        ModelFileException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ModelFileException.class, () -> PthReader.read(file)));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertEquals(file, e.file());
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' not in: " + message);
        }
        return e;
    }

    private Path archiveWithPickle(String name, PickleWriter pickle) {
        return PthFixture.archive("x").storage("0", 1f, 2f).pickle(pickle.toByteArray()).write(dir.resolve(name));
    }

    private Path oneTensor(String name, long offset, long[] size, long[] stride, float... values) {
        return PthFixture.archive("x").storage("0", values).tensor("t", "0", offset, size, stride)
                .write(dir.resolve(name));
    }

    // ---- code execution attempts: refused at the global, before anything could call it ----

    @Test
    void refusesOsSystem() {
        Path marker = dir.resolve("pwned");
        PickleWriter p = new PickleWriter().proto(2).global("os", "system")
                .unicode("touch " + marker).tuple1().reduce().stop();

        assertRefused(archiveWithPickle("os.pth", p), "os.system", "allow-list");
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesBuiltinsEvalThroughStackGlobal() {
        PickleWriter p = new PickleWriter().proto(4).stackGlobal("builtins", "eval")
                .shortUnicode("__import__('os').system('true')").tuple1().reduce().stop();

        assertRefused(archiveWithPickle("eval.pth", p), "builtins.eval");
    }

    @Test
    void refusesGlobalsInInstOpcode() {
        PickleWriter p = new PickleWriter().proto(2).mark().unicode("true").op('i').ascii("subprocess\ncall\n").stop();

        assertRefused(archiveWithPickle("inst.pth", p), "subprocess.call");
    }

    @Test
    void refusesGlobalsPyroliteWouldHaveHandled() {
        // Pyrolite's default registry builds these; our allow-list must not.
        PickleWriter p = new PickleWriter().proto(2).global("__builtin__", "set").emptyTuple().reduce().stop();

        assertRefused(archiveWithPickle("set.pth", p), "__builtin__.set");
    }

    @Test
    void escapesControlCharactersInRefusedNames() {
        PickleWriter p = new PickleWriter().proto(4).stackGlobal("os\r\nFAKE LOG LINE", "system").stop();

        assertRefused(archiveWithPickle("ctl.pth", p), "os\\x0d\\x0aFAKE LOG LINE.system");
    }

    // ---- unsupported content ----

    @Test
    void refusesUnknownStorageTypes() {
        PickleWriter p = new PickleWriter().proto(2).orderedDict().unicode("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().unicode("storage").global("torch", "HalfStorage").unicode("0").unicode("cpu").integer(2)
                .tuple().binpersid().integer(0).intTuple(2).intTuple(1).newFalse().orderedDict().tuple().reduce()
                .setitem().stop();

        assertRefused(archiveWithPickle("half.pth", p), "torch.HalfStorage", "float32");
    }

    @Test
    void refusesQuantizedTensors() {
        PickleWriter p = new PickleWriter().proto(2).global("torch._utils", "_rebuild_qtensor").stop();

        assertRefused(archiveWithPickle("q.pth", p), "torch._utils._rebuild_qtensor", "quantized");
    }

    @Test
    void refusesNonTensorEntries() {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().unicode("epoch").integer(3).setitem().stop();

        assertRefused(archiveWithPickle("epoch.pth", p), "'epoch' is an int, not a tensor");
    }

    @Test
    void refusesATopLevelThatIsNotADict() {
        PickleWriter p = new PickleWriter().proto(2).emptyList().stop();

        assertRefused(archiveWithPickle("list.pth", p), "holds a list, not a state_dict");
    }

    @Test
    void refusesTorchScriptArchives() {
        Path file = PthFixture.archive("m").contiguous("w", new int[] {1}, 1f)
                .entry("code/__torch__.py", "class M: pass".getBytes(StandardCharsets.US_ASCII))
                .write(dir.resolve("script.pt"));

        assertRefused(file, "TorchScript");
    }

    @Test
    void refusesBigEndianStorages() {
        Path big = PthFixture.archive("x").contiguous("w", new int[] {1}, 1f)
                .entry("byteorder", "big".getBytes(StandardCharsets.US_ASCII)).write(dir.resolve("big.pth"));
        Path odd = PthFixture.archive("x").contiguous("w", new int[] {1}, 1f)
                .entry("byteorder", "middle\n".getBytes(StandardCharsets.US_ASCII)).write(dir.resolve("odd.pth"));

        assertRefused(big, "big-endian");
        assertRefused(odd, "unrecognized byteorder entry 'middle'");
    }

    // ---- not a torch.save zip ----

    @Test
    void refusesMissingEmptyAndNonZipFiles() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.pth"), "just some text, long enough");
        Path empty = Files.write(dir.resolve("empty.pth"), new byte[0]);

        assertRefused(dir.resolve("absent.pth"), "no such file");
        assertRefused(dir, "not a regular file");
        assertRefused(text, "not a zip archive");
        assertRefused(empty, "not a zip archive");
    }

    @Test
    void refusesLegacyFiles() throws IOException {
        byte[] legacyStart = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
                (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e};
        assertRefused(Files.write(dir.resolve("old.pth"), legacyStart), "legacy torch.save format");
    }

    @Test
    void refusesATruncatedZip() throws IOException {
        byte[] whole = PthFixture.archive("x").contiguous("w", new int[] {64}, new float[64]).toZipBytes();
        Path cut = Files.write(dir.resolve("cut.pth"), Arrays.copyOf(whole, whole.length / 2));

        assertRefused(cut, "truncated or corrupt zip archive");
    }

    @Test
    void refusesAZipWithoutDataPkl() {
        Path file = PthFixture.archive("x").contiguous("w", new int[] {1}, 1f).remove("data.pkl")
                .write(dir.resolve("nopkl.pth"));

        assertRefused(file, "without <folder>/data.pkl");
    }

    // ---- storages that do not match the pickle ----

    @Test
    void refusesAMissingStorageEntry() {
        Path file = PthFixture.archive("x").contiguous("w", new int[] {2}, 1f, 2f).remove("data/0")
                .write(dir.resolve("nostorage.pth"));

        assertRefused(file, "missing storage entry 'x/data/0'", "tensor 'w'");
    }

    @Test
    void refusesATruncatedStorage() {
        // The pickle says 4 floats; the entry holds 3.
        Path file = PthFixture.archive("x").storage("0", 1f, 2f, 3f).declareNumel("0", 4)
                .tensor("w", "0", 0, l(3), l(1)).write(dir.resolve("short.pth"));

        assertRefused(file, "'x/data/0' has 12 bytes", "4 float32 elements (16 bytes)");
    }

    @Test
    void refusesAStorageEntryCutShort() {
        // The zip directory and the pickle agree on a size, but the entry's bytes end with the file; the
        // claimed size still fits in the file, so only the read itself can notice.
        PthFixture f = PthFixture.archive("x").storage("0", 1f, 2f).tensor("w", "0", 0, l(2), l(1))
                .remove("version"); // so that data/0 is the last entry and its bytes run into the directory
        int numel = (f.toZipBytes().length - 8) / 4;
        f.declareNumel("0", numel).claimSize("data/0", numel * 4);

        assertRefused(f.write(dir.resolve("cutshort.pth")), "storage entry 'x/data/0' is truncated");
        assertRefused(f.claimSize("data/0", 1 << 20).write(dir.resolve("beyond.pth")),
                "declares 1048576 bytes, more than the whole file's");
    }

    @Test
    void refusesAStorageLargerThanDeclared() {
        // Zip-bomb shape: far more bytes than the pickle's element count needs.
        Path file = PthFixture.archive("x").storage("0", new float[1 << 16]).declareNumel("0", 2)
                .tensor("w", "0", 0, l(2), l(1)).write(dir.resolve("long.pth"));

        assertRefused(file, "has 262144 bytes", "2 float32 elements");
    }

    @Test
    void refusesHugeDeclaredStorageWithoutAllocating() {
        Path file = PthFixture.archive("x").storage("0", 1f).declareNumel("0", Integer.MAX_VALUE - 8)
                .tensor("w", "0", 0, l(Integer.MAX_VALUE - 8), l(1)).write(dir.resolve("huge.pth"));

        assertRefused(file, "has 4 bytes", "2147483639 float32 elements");
    }

    @Test
    void refusesZipEntriesThatShareTheirBytes() {
        // 64 central-directory entries aliasing one 1 MiB storage: 64 MiB of floats from a 1 MiB file,
        // and without limit, gigabytes from a few megabytes.
        int numel = 1 << 18;
        PthFixture f = PthFixture.archive("x").storage("0", new float[numel]).tensor("t0", "0", 0, l(numel), l(1));
        for (int i = 1; i < 64; i++) {
            f.alias("data/" + i, "data/0").declareNumel(Integer.toString(i), numel)
                    .tensor("t" + i, Integer.toString(i), 0, l(numel), l(1));
        }

        assertRefused(f.write(dir.resolve("aliased.pth")), "67108864 bytes in total", "overlapping zip entries");
    }

    @Test
    void refusesCompressedStorages() {
        // Deflate could hide any amount of data in a small file; torch.save never compresses.
        Path file = PthFixture.archive("x").contiguous("w", new int[] {4}, new float[4]).deflate("data/0")
                .write(dir.resolve("deflated.pth"));

        assertRefused(file, "compressed");
    }

    @Test
    void refusesViewsOutsideTheirStorage() {
        assertRefused(oneTensor("offset.pth", 3, l(2), l(1), 1f, 2f, 3f, 4f),
                "tensor 't': view (offset 3, size [2], stride [1]) reaches element 4 of storage '0',"
                        + " which has only 4 elements");
        assertRefused(oneTensor("stride.pth", 0, l(2, 2), l(3, 1), 1f, 2f, 3f, 4f), "reaches element 4");
        assertRefused(oneTensor("negative.pth", 0, l(2), l(-1), 1f, 2f), "negative");
    }

    @Test
    void refusesSizesBeyondJavaArrays() {
        assertRefused(oneTensor("big.pth", 0, l(1 << 20, 1 << 20), l(0, 0), 1f), "more than a Java array");
        assertRefused(oneTensor("overflow.pth", 0, l(3, 2), l(Long.MAX_VALUE, 1), 1f), "overflows");
    }

    @Test
    void refusesStrideZeroExpansionBombs() {
        // 1 stored float expanded to 400 MB of copies.
        assertRefused(oneTensor("expand.pth", 0, l(100_000_000), l(0), 1f), "copied elements");
    }

    @Test
    void refusesStorageKeysThatAreZipPaths() {
        PickleWriter p = new PickleWriter().proto(2).orderedDict().unicode("w").tensor("../evil", 2, 0, l(2), l(1))
                .setitem().stop();

        assertRefused(archiveWithPickle("path.pth", p), "storage key '../evil' is not a plain name");
    }

    // ---- malformed pickles ----

    @Test
    void refusesHugeLengthPrefixes() {
        PickleWriter unicode = new PickleWriter().proto(2).op('X').int32(Integer.MAX_VALUE).ascii("abc");
        PickleWriter bytes8 = new PickleWriter().proto(4).op(0x8e).bytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x40});

        assertRefused(archiveWithPickle("len.pth", unicode), "length 2147483647 exceeds the 3 bytes left");
        assertRefused(archiveWithPickle("len8.pth", bytes8), "exceeds");
    }

    @Test
    void refusesAnOversizedPickle() {
        Path file = PthFixture.archive("x").contiguous("w", new int[] {1}, 1f)
                .entry("data.pkl", new byte[PthArchive.MAX_PICKLE_BYTES + 1]).write(dir.resolve("bigpkl.pth"));

        assertRefused(file, "more than the 4194304 allowed");
    }

    @Test
    void refusesTruncatedAndUnderflowingPickles() {
        byte[] good = PthFixture.archive("x").contiguous("w", new int[] {1}, 1f).generatedPickle();
        Path cut = archiveWithPickle("cutpkl.pth", new PickleWriter().bytes(Arrays.copyOf(good, good.length / 2)));
        Path noStop = archiveWithPickle("nostop.pth", new PickleWriter().bytes(Arrays.copyOf(good, good.length - 1)));
        Path underflow = archiveWithPickle("under.pth", new PickleWriter().proto(2).reduce().stop());

        assertRefused(cut, "data.pkl byte");
        assertRefused(noStop, "malformed pickle: premature end of file");
        assertRefused(underflow, "data.pkl byte 2 (opcode 0x52)", "stack underflow");
    }

    @Test
    void refusesOpcodesTorchNeverWrites() {
        PickleWriter p = new PickleWriter().proto(2).op('L').ascii("9".repeat(100_000) + "L\n").stop();

        assertRefused(archiveWithPickle("textlong.pth", p), "opcode 0x4c", "not supported");
    }

    @Test
    void staysLinearOnMarkStorms() {
        // Pyrolite trims its stack's capacity on every POP_MARK (and a list's on every APPENDS): with
        // 400,000 items below, 200,000 MARK/POP_MARK pairs would copy ~10^11 references (minutes).
        PickleWriter p = new PickleWriter().proto(2);
        for (int i = 0; i < 400_000; i++) {
            p.none();
        }
        p.emptyList();
        for (int i = 0; i < 200_000; i++) {
            p.mark().op('1').mark().none().op('e'); // MARK POP_MARK, MARK None APPENDS
        }
        p.stop();

        assertRefused(archiveWithPickle("marks.pth", p), "holds a list, not a state_dict");
    }

    @Test
    void survivesDeepNesting() {
        // 300,000 nested 1-tuples as a value; then a deeply nested list used as a dict key, whose
        // recursive hashCode would overflow the stack if we ever called it.
        PickleWriter tuples = new PickleWriter().proto(2).emptyDict().unicode("w").none();
        for (int i = 0; i < 300_000; i++) {
            tuples.tuple1();
        }
        tuples.setitem().stop();
        PickleWriter lists = new PickleWriter().proto(2).emptyDict();
        for (int i = 0; i < 200_000; i++) {
            lists.mark();
        }
        lists.emptyList();
        for (int i = 0; i < 200_000; i++) {
            lists.op('l'); // LIST: wraps everything since the last MARK, i.e. the list so far
        }
        lists.none().setitem().stop();
        PickleWriter selfContaining = new PickleWriter().proto(2).emptyDict().emptyList().binput(0).binget(0)
                .op('a').none().setitem().stop();

        assertRefused(archiveWithPickle("tuples.pth", tuples), "'w' is a tuple, not a tensor");
        assertRefused(archiveWithPickle("lists.pth", lists), "unhashable");
        assertRefused(archiveWithPickle("self.pth", selfContaining), "unhashable");
    }
}
