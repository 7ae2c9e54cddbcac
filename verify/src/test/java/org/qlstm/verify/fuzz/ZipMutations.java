package org.qlstm.verify.fuzz;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Format-blind structural mutations of any zip archive ({@link ZipModel}): each changes one thing (an entry's
 * length, presence, name, compression, declared sizes, CRC, aliasing) and rewrites the rest consistently, so
 * the zip reader accepts most of them and the format's own layer sees the change. Also ready-made
 * {@link Generator}s for a reader of a zip-based format, e.g. a future quantized-model file.
 */
public final class ZipMutations {

    private static final int BOMB_BYTES = 16 << 20;
    private static byte[] bombPayload;

    private ZipMutations() {
    }

    /** Raw deflate of 16 MiB of zeros (16 KB): the payload of a zip bomb, made once. */
    static synchronized byte[] bomb() {
        if (bombPayload == null) {
            bombPayload = ZipModel.deflatedZeros(BOMB_BYTES);
        }
        return bombPayload;
    }

    /** One structural mutation of a random entry; appends what it did to {@code log}. */
    public static void mutate(ZipModel zip, UniformRandomProvider rng, StringBuilder log) {
        if (zip.entries.isEmpty()) {
            zip.entries.add(new ZipModel.Entry("x", new byte[0]));
            log.append(" add x");
            return;
        }
        ZipModel.Entry any = zip.entries.get(rng.nextInt(zip.entries.size()));
        int kind = rng.nextInt(100);
        if (kind < 14) {
            int len = any.content.length;
            int[] deltas = {-len, -1, -2, -3, -4, -8, 1, 3, 4, 8, len, -len / 2, 4096};
            int delta = deltas[rng.nextInt(deltas.length)];
            any.content = Arrays.copyOf(any.content, Math.max(0, len + delta));
            log.append(" resize ").append(any.name).append(" by ").append(delta);
        } else if (kind < 24) {
            zip.entries.remove(any);
            log.append(" remove ").append(any.name);
        } else if (kind < 31) {
            ZipModel.Entry dup = any.copy();
            if (rng.nextBoolean() && dup.content.length > 0) {
                dup.content = Arrays.copyOf(dup.content, rng.nextInt(dup.content.length));
            }
            zip.entries.add(rng.nextInt(zip.entries.size() + 1), dup);
            log.append(" duplicate ").append(any.name).append(" (").append(dup.content.length).append(" bytes)");
        } else if (kind < 40) {
            String n = any.name;
            int slash = n.indexOf('/');
            String base = n.substring(slash + 1);
            String[] names = {"other/" + base, n.substring(0, slash + 1) + "../" + base, n + "/",
                    n.toUpperCase(Locale.ROOT), base, "/" + n, n.replace("/", "//"), n + "\u0000", n.replace('/', '\\'),
                    n + "x"};
            String name = names[rng.nextInt(names.length)];
            log.append(" rename ").append(n).append(" to ").append(name);
            any.name = name;
        } else if (kind < 46) {
            any.method = 8;
            log.append(" deflate ").append(any.name);
        } else if (kind < 50) {
            Collections.shuffle(zip.entries, new java.util.Random(rng.nextLong()));
            log.append(" shuffle");
        } else if (kind < 63) {
            long real = any.content.length;
            long total = zip.entries.stream().mapToLong(e -> e.content.length).sum();
            long[] claims = {0, real - 1, real + 1, real * 2, 0xffffffffL, 0x7fffffffL, total, total + 1, 4L << 20,
                    (4L << 20) + 1};
            long claim = Math.max(0, claims[rng.nextInt(claims.length)]);
            int which = rng.nextInt(3);
            if (which != 1) {
                any.claimedSize = claim;
            }
            if (which != 0) {
                any.claimedCompressedSize = claim;
            }
            log.append(" claim ").append(any.name).append(which == 0 ? " size " : which == 1 ? " compressed size "
                    : " sizes ").append(claim);
        } else if (kind < 70) {
            ZipModel.Entry target = zip.entries.get(rng.nextInt(zip.entries.size()));
            String name = rng.nextBoolean() ? any.name : any.name + "_alias";
            zip.aliases.add(new ZipModel.Alias(name, target.name));
            log.append(" alias ").append(name).append(" -> ").append(target.name);
        } else if (kind < 77) {
            any.zip64 = true;
            log.append(" zip64 ").append(any.name);
            if (rng.nextBoolean()) {
                any.claimedSize = rng.nextBoolean() ? 1L << 40 : Long.MAX_VALUE;
                log.append(" claiming ").append(any.claimedSize);
            }
        } else if (kind < 86) {
            any.method = 8;
            any.raw = bomb();
            any.rawSize = BOMB_BYTES;
            any.rawCrc = 0;
            if (rng.nextBoolean()) {
                any.claimedSize = any.content.length; // lie: a small size for a huge inflated entry
            }
            log.append(" zip bomb (").append(bomb().length).append(" bytes inflating to ").append(BOMB_BYTES)
                    .append(") as ").append(any.name)
                    .append(any.claimedSize >= 0 ? " declaring " + any.claimedSize : "");
        } else if (kind < 93) {
            any.claimedCrc = rng.nextLong() & 0xffffffffL;
            log.append(" wrong crc for ").append(any.name);
        } else {
            ZipModel.Entry other = zip.entries.get(rng.nextInt(zip.entries.size()));
            any.centralName = rng.nextBoolean() ? any.name + "x" : other.name;
            log.append(" central name of ").append(any.name).append(" is ").append(any.centralName);
        }
    }

    /** Structural mutations (one, sometimes two) of a seed archive. */
    public static Generator structural(String name, double weight, byte[] seedZip) {
        ZipModel seed = parse(seedZip);
        return Generator.of(name, weight, rng -> {
            ZipModel zip = seed.copy();
            StringBuilder log = new StringBuilder("zip:");
            mutate(zip, rng, log);
            if (rng.nextInt(4) == 0) {
                mutate(zip, rng, log);
            }
            return new Mutant(zip.toBytes(), log.toString());
        });
    }

    /**
     * Mutations of the content of the seed's entries named as {@code which} accepts, re-zipped correctly: byte
     * mutations, or opcode mutations ({@link PickleOps}) for entries ending in {@code .pkl}.
     */
    public static Generator entries(String name, double weight, byte[] seedZip, Predicate<String> which) {
        ZipModel seed = parse(seedZip);
        List<String> names = seed.entries.stream().map(e -> e.name).filter(which).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no entry of the seed is selected");
        }
        return Generator.of(name, weight, rng -> {
            ZipModel zip = seed.copy();
            ZipModel.Entry e = zip.find(names.get(rng.nextInt(names.size())));
            StringBuilder log = new StringBuilder(e.name);
            if (e.name.endsWith(".pkl") && rng.nextBoolean()) {
                log.append(" ops:");
                e.content = PickleOps.mutate(e.content, rng, log);
            } else {
                Mutant m = ByteMutations.stacked(e.content, rng, null);
                e.content = m.bytes();
                log.append(' ').append(m.description());
            }
            return new Mutant(zip.toBytes(), log.toString());
        });
    }

    private static ZipModel parse(byte[] zip) {
        try {
            return ZipModel.parse(zip);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the seed is not a sound zip archive", e);
        }
    }
}
