package org.qlstm.verify.fuzz;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Format-blind mutations of a byte array: truncation, bit flips, interesting byte and little-endian integer
 * values (lengths and counts that overflow, go negative or point past the end), and chunk deletion,
 * duplication, insertion, overwrite and swap. Positions can be steered into "hot" ranges (headers, a pickle)
 * so that a mostly-data file is still mutated where its structure is.
 */
public final class ByteMutations {

    private static final int[] INTERESTING_8 = {0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x20, 0x0a, 0x0d, 0x2e, 0x40};
    private static final int[] INTERESTING_16 = {0, 0xffff, 0x7fff, 0x8000, 1, 0x00ff, 0x0100};
    private static final long[] INTERESTING_32 = {0, 0xffffffffL, 1, 0x7fffffffL, 0x80000000L, 0x7ffffff7L, 0xffffL,
            0x10000L, 0xfffffffeL, 0x40000000L};
    private static final long[] INTERESTING_64 = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 1L << 40,
            1L << 62, 0x7fffffffL, 0x80000000L, 0xffffffffL};

    private ByteMutations() {
    }

    /**
     * Applies one to four mutations in a row.
     *
     * @param input the bytes to mutate (not modified)
     * @param hot   ranges {@code [start, end)} to prefer for positions, or {@code null}
     */
    public static Mutant stacked(byte[] input, UniformRandomProvider rng, List<int[]> hot) {
        StringBuilder log = new StringBuilder("bytes:");
        byte[] out = input;
        int n = 1 + (rng.nextInt(4) == 0 ? 1 + rng.nextInt(3) : 0);
        for (int i = 0; i < n; i++) {
            out = mutate(out, rng, i == 0 ? hot : null, log);
        }
        return new Mutant(out, log.toString());
    }

    /** One mutation; appends what it did to {@code log}. */
    public static byte[] mutate(byte[] in, UniformRandomProvider rng, List<int[]> hot, StringBuilder log) {
        if (in.length == 0) {
            byte[] b = randomBytes(rng, 1 + rng.nextInt(64));
            log.append(" fill-empty(").append(b.length).append(')');
            return b;
        }
        int kind = rng.nextInt(100);
        int at = position(in.length, rng, hot);
        if (kind < 10) { // truncation
            int cut = rng.nextBoolean() ? at : rng.nextInt(in.length);
            log.append(" truncate@").append(cut);
            return Arrays.copyOf(in, cut);
        }
        if (kind < 25) {
            byte[] out = in.clone();
            int bit = rng.nextInt(8);
            out[at] ^= (byte) (1 << bit);
            log.append(" flip@").append(at).append('.').append(bit);
            return out;
        }
        if (kind < 33) {
            byte[] out = in.clone();
            int flips = 2 + rng.nextInt(7);
            log.append(" flips(").append(flips).append(")@");
            for (int i = 0; i < flips; i++) {
                int p = i == 0 ? at : position(in.length, rng, hot);
                out[p] ^= (byte) (1 << rng.nextInt(8));
                log.append(p).append(i + 1 < flips ? "," : "");
            }
            return out;
        }
        if (kind < 45) {
            byte[] out = in.clone();
            int v = INTERESTING_8[rng.nextInt(INTERESTING_8.length)];
            out[at] = (byte) v;
            log.append(String.format(" byte@%d=0x%02x", at, v));
            return out;
        }
        if (kind < 52) {
            byte[] out = in.clone();
            out[at] = (byte) rng.nextInt(256);
            log.append(" random-byte@").append(at);
            return out;
        }
        if (kind < 57) {
            return putLe(in, at, INTERESTING_16[rng.nextInt(INTERESTING_16.length)], 2, log);
        }
        if (kind < 69) {
            long v;
            int choice = rng.nextInt(INTERESTING_32.length + 4);
            if (choice < INTERESTING_32.length) {
                v = INTERESTING_32[choice];
            } else if (choice == INTERESTING_32.length) {
                v = in.length + rng.nextInt(3) - 1;
            } else {
                long old = readLe(in, at, 4);
                v = old + (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(rng.nextBoolean() ? 4 : 4096));
            }
            return putLe(in, at, v, 4, log);
        }
        if (kind < 73) {
            return putLe(in, at, INTERESTING_64[rng.nextInt(INTERESTING_64.length)], 8, log);
        }
        if (kind < 81) {
            int len = Math.min(chunkLength(rng, in.length), in.length - at);
            log.append(" delete@").append(at).append('+').append(len);
            return splice(in, at, len, new byte[0]);
        }
        if (kind < 88) {
            int from = position(in.length, rng, hot);
            int len = Math.min(chunkLength(rng, in.length), in.length - from);
            byte[] chunk = Arrays.copyOfRange(in, from, from + len);
            int times = rng.nextInt(8) == 0 ? 2 + rng.nextInt(15) : 1;
            byte[] all = new byte[Math.multiplyExact(chunk.length, times)];
            for (int i = 0; i < times; i++) {
                System.arraycopy(chunk, 0, all, i * chunk.length, chunk.length);
            }
            log.append(" duplicate ").append(from).append('+').append(len).append('x').append(times)
                    .append(" to ").append(at);
            return splice(in, at, 0, all);
        }
        if (kind < 93) {
            int len = chunkLength(rng, 4096);
            byte[] chunk = rng.nextBoolean() ? randomBytes(rng, len) : filled(len, INTERESTING_8[rng.nextInt(4)]);
            log.append(" insert@").append(at).append('+').append(len);
            return splice(in, at, 0, chunk);
        }
        if (kind < 96) {
            byte[] out = in.clone();
            int from = rng.nextInt(in.length);
            int len = Math.min(chunkLength(rng, in.length), Math.min(in.length - from, in.length - at));
            System.arraycopy(in, from, out, at, len);
            log.append(" overwrite@").append(at).append(" from ").append(from).append('+').append(len);
            return out;
        }
        if (kind < 99) {
            int a = at;
            int b = rng.nextInt(in.length);
            int len = Math.min(chunkLength(rng, in.length), Math.min(in.length - a, in.length - b));
            if (Math.abs(a - b) < len) {
                len = Math.abs(a - b);
            }
            byte[] out = in.clone();
            System.arraycopy(in, a, out, b, len);
            System.arraycopy(in, b, out, a, len);
            log.append(" swap ").append(a).append('/').append(b).append('+').append(len);
            return out;
        }
        byte[] tail = randomBytes(rng, chunkLength(rng, 4096));
        log.append(" append+").append(tail.length);
        return splice(in, in.length, 0, tail);
    }

    static int position(int length, UniformRandomProvider rng, List<int[]> hot) {
        if (hot != null && !hot.isEmpty() && rng.nextInt(5) != 0) {
            int[] r = hot.get(rng.nextInt(hot.size()));
            int start = Math.min(r[0], length - 1);
            int end = Math.min(r[1], length);
            if (end > start) {
                return start + rng.nextInt(end - start);
            }
        }
        return rng.nextInt(length);
    }

    /** Mostly short chunks, sometimes long ones. */
    static int chunkLength(UniformRandomProvider rng, int limit) {
        int r = rng.nextInt(20);
        int len = r < 14 ? 1 + rng.nextInt(16) : r < 19 ? 17 + rng.nextInt(496) : 513 + rng.nextInt(65_536);
        return Math.max(1, Math.min(len, Math.max(1, limit)));
    }

    static byte[] putLe(byte[] in, int at, long v, int width, StringBuilder log) {
        byte[] out = in.clone();
        for (int i = 0; i < width && at + i < out.length; i++) {
            out[at + i] = (byte) (v >>> (8 * i));
        }
        log.append(" int").append(8 * width).append('@').append(at).append('=').append(Long.toHexString(v));
        return out;
    }

    static long readLe(byte[] in, int at, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = (v << 8) | (at + i < in.length ? in[at + i] & 0xff : 0);
        }
        return v;
    }

    /** {@code in} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
    public static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
        byte[] out = new byte[in.length - remove + insert.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
        return out;
    }

    public static byte[] randomBytes(UniformRandomProvider rng, int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
