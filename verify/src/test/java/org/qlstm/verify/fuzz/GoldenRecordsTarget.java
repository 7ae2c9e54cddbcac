package org.qlstm.verify.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.qlstm.cli.PyTorchRecords;
import org.qlstm.cli.RecordFileException;
import org.qlstm.quant.Engine;
import org.qlstm.verify.support.Repo;
import org.qlstm.verify.support.SmallModel;

/**
 * The CLI's golden-record lookup ({@code PyTorchRecords.lookupIn}, which reads JSON through {@code RecordFiles}) on
 * a golden directory whose one file {@code relative} is the case and whose others are the real goldens: the
 * lookup for the small model must give figures (n/a allowed) or a {@code RecordFileException} naming the file.
 * Cases: byte mutations and truncations; tree mutations (a key removed, a value replaced by another type, a huge
 * or non-finite number, a long string, deep nesting inside); and text-level hostile JSON (nesting thousands deep,
 * number literals of thousands of digits, duplicate keys, trailing content, NaN literals, a BOM, another top-level
 * type, an empty file).
 */
public final class GoldenRecordsTarget implements FuzzTarget {

    static final int SYNTAX = 0;
    static final int FIELDS = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] GOLDENS = {"sizes.json", "small/float_eval.json", "small/int8_eval_qnnpack.json"};

    private final String relative;
    private byte[] seed;
    private PyTorchRecords.Run run;

    /** @param relative the golden file the cases replace, e.g. {@code small/float_eval.json} */
    public GoldenRecordsTarget(String relative) {
        this.relative = relative;
    }

    @Override
    public String name() {
        return "golden-records-" + relative.replace("small/", "").replace(".json", "").replace('_', '-');
    }

    @Override
    public synchronized byte[] seed() throws IOException {
        if (seed == null) {
            seed = Files.readAllBytes(Repo.golden(relative));
        }
        return seed;
    }

    @Override
    public String fileName() {
        return relative;
    }

    @Override
    public void prepare(Path workDir) throws IOException {
        for (String g : GOLDENS) {
            Path to = workDir.resolve(g);
            Files.createDirectories(to.getParent());
            Files.copy(Repo.golden(g), to);
        }
    }

    private synchronized PyTorchRecords.Run run() throws IOException {
        if (run == null) {
            int tests = SmallModel.corpus().test().length;
            run = new PyTorchRecords.Run(sha256(SmallModel.modelFile()), SmallModel.dataDirectory(),
                    SmallModel.model().shape(), Engine.QNNPACK, tests, tests);
        }
        return run;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Object read(Path file) throws Exception {
        // The worker's directory: the case file is <dir>/<relative>.
        Path dir = file;
        for (int i = relative.split("/").length; i > 0; i--) {
            dir = dir.getParent();
        }
        return PyTorchRecords.lookupIn(dir, run());
    }

    @Override
    public boolean isDocumented(Throwable t) {
        return t instanceof RecordFileException e && e.file() != null;
    }

    @Override
    public Outcome classify(Throwable t) {
        String p = ((RecordFileException) t).problem();
        if (p.startsWith("cannot parse:")) {
            return Outcome.bug("runtime exception caught by RecordFiles' catch-all");
        }
        if (p.startsWith("not valid JSON") || p.startsWith("not valid UTF-8") || p.startsWith("empty")
                || p.startsWith("the top level")
                || p.startsWith("too large")) {
            return new Outcome(SYNTAX, "syntax or limits");
        }
        if (p.contains(", expected ")) {
            return new Outcome(FIELDS, "field of the wrong type");
        }
        return new Outcome(SYNTAX, "unclassified: " + FuzzReport.clip(p, 200));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(new Coverage("past the JSON syntax (to field types)", FIELDS, 0.30),
                new Coverage("through (figures or n/a)", Integer.MAX_VALUE, 0.15));
    }

    @Override
    public List<Generator> generators() {
        return List.of(
                Generator.of("bytes", 25, rng -> ByteMutations.stacked(seedBytes(), rng, null)),
                Generator.of("truncate", 5, rng -> {
                    byte[] s = seedBytes();
                    int cut = rng.nextInt(s.length);
                    return new Mutant(Arrays.copyOf(s, cut), "truncate@" + cut);
                }),
                Generator.of("tree", 45, this::tree),
                Generator.of("hostile-text", 25, this::hostileText));
    }

    private byte[] seedBytes() {
        try {
            return seed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One to three edits of the parsed seed at random nodes, written back as JSON. */
    private Mutant tree(UniformRandomProvider rng) throws IOException {
        JsonNode root = MAPPER.readTree(seedBytes());
        StringBuilder log = new StringBuilder("tree:");
        for (int n = 1 + (rng.nextInt(3) == 0 ? 1 + rng.nextInt(2) : 0); n > 0; n--) {
            List<JsonNode> containers = new ArrayList<>();
            collectContainers(root, 0, containers);
            JsonNode parent = containers.get(rng.nextInt(containers.size()));
            if (parent instanceof ObjectNode o && o.size() > 0) {
                List<String> keys = new ArrayList<>();
                o.fieldNames().forEachRemaining(keys::add);
                String key = keys.get(rng.nextInt(keys.size()));
                if (rng.nextInt(4) == 0) {
                    o.remove(key);
                    log.append(" remove ").append(key);
                } else {
                    JsonNode v = randomValue(rng);
                    o.set(key, v);
                    log.append(" set ").append(key).append('=').append(FuzzReport.clip(v.toString(), 60));
                }
            } else if (parent instanceof ArrayNode a && a.size() > 0) {
                int i = rng.nextInt(a.size());
                JsonNode v = randomValue(rng);
                a.set(i, v);
                log.append(" set [").append(i).append("]=").append(FuzzReport.clip(v.toString(), 60));
            }
        }
        return new Mutant(MAPPER.writeValueAsBytes(root), log.toString());
    }

    /** Objects and arrays, skipping the long number arrays (chunk losses) below depth 2 so edits hit the keys. */
    private static void collectContainers(JsonNode node, int depth, List<JsonNode> out) {
        if (node.isObject() || (node.isArray() && (depth < 2 || node.size() < 8))) {
            out.add(node);
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                collectContainers(child, depth + 1, out);
            }
        }
    }

    private static JsonNode randomValue(UniformRandomProvider rng) {
        return switch (rng.nextInt(14)) {
            case 0 -> NODES.textNode("test");
            case 1 -> NODES.textNode("x".repeat(rng.nextInt(100_000)));
            case 2 -> NODES.numberNode(rng.nextInt(3) - 1);
            case 3 -> NODES.numberNode(25);
            case 4 -> NODES.numberNode(rng.nextLong());
            case 5 -> NODES.numberNode(new BigInteger(1 + rng.nextInt(200), new java.util.Random(rng.nextLong())));
            case 6 -> NODES.numberNode(rng.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE);
            case 7 -> NODES.numberNode(rng.nextDouble() * 10);
            case 8 -> NODES.booleanNode(rng.nextBoolean());
            case 9 -> NODES.nullNode();
            case 10 -> NODES.arrayNode().add(1).add("test");
            case 11 -> NODES.objectNode().put("split", "test").put("bptt", 25).put("batch_size", 1);
            case 12 -> nested(rng.nextInt(60));
            default -> NODES.numberNode(new java.math.BigDecimal("1e" + (300 + rng.nextInt(20_000))));
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode n = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            n = NODES.arrayNode().add(n);
        }
        return n;
    }

    /** Text-level hostile JSON, mostly spliced into the seed where a value stands. */
    private Mutant hostileText(UniformRandomProvider rng) {
        String seedText = new String(seedBytes(), StandardCharsets.UTF_8);
        int kind = rng.nextInt(12);
        String insert;
        String what;
        switch (kind) {
            case 0 -> {
                int d = 10 + rng.nextInt(rng.nextBoolean() ? 100 : 100_000);
                insert = "[".repeat(d) + "]".repeat(rng.nextBoolean() ? d : rng.nextInt(d));
                what = "nesting " + d;
            }
            case 1 -> {
                int d = 10 + rng.nextInt(50_000);
                insert = "{\"a\":".repeat(d) + "1" + "}".repeat(d);
                what = "object nesting " + d;
            }
            case 2 -> {
                int n = 20 + rng.nextInt(rng.nextBoolean() ? 100 : 200_000);
                insert = "9".repeat(n) + (rng.nextBoolean() ? "" : ".5e" + "9".repeat(1 + rng.nextInt(20)));
                what = "number of " + n + " digits";
            }
            case 3 -> {
                insert = new String[] {"NaN", "Infinity", "-Infinity", "1e999", "-1e999", "0x10", "01", "+1", "1.",
                    ".5", "1e", "-"}[rng.nextInt(12)];
                what = "literal " + insert;
            }
            case 4 -> {
                insert = "\"" + "\\u0000\\ud800".repeat(1 + rng.nextInt(1000)) + "\"";
                what = "escapes";
            }
            default -> {
                insert = null;
                what = null;
            }
        }
        if (insert != null) {
            // Replace the value after a random ':' (or a random position) with the hostile text.
            int colon = seedText.indexOf(':', rng.nextInt(seedText.length()));
            int at = colon < 0 ? rng.nextInt(seedText.length()) : colon + 1;
            int end = at;
            while (end < seedText.length() && ",}]".indexOf(seedText.charAt(end)) < 0) {
                end++;
            }
            return new Mutant((seedText.substring(0, at) + insert + seedText.substring(end))
                    .getBytes(StandardCharsets.UTF_8), "hostile " + what + " at " + at);
        }
        String out;
        switch (kind) {
            case 5 -> {
                int brace = seedText.indexOf('{');
                out = seedText.substring(0, brace + 1) + "\"model_sha256\": \"0\", " + seedText.substring(brace + 1);
                what = "duplicate key";
            }
            case 6 -> {
                out = seedText + new String[] {"{}", "x", "]", ",", "// c", "\u0000", "{\"a\":1}"}[rng.nextInt(7)];
                what = "trailing content";
            }
            case 7 -> {
                out = "\uFEFF" + seedText;
                what = "byte order mark";
            }
            case 8 -> {
                out = new String[] {"[]", "1", "\"x\"", "null", "true", "[" + seedText + "]"}[rng.nextInt(6)];
                what = "top level " + FuzzReport.clip(out, 20);
            }
            case 9 -> {
                out = new String[] {"", " ", "\n\n", "{", "}"}[rng.nextInt(5)];
                what = "empty or bare";
            }
            case 10 -> {
                out = "/* comment */" + seedText;
                what = "comment";
            }
            default -> {
                byte[] b = seedText.getBytes(StandardCharsets.UTF_8);
                int at = rng.nextInt(b.length);
                b[at] = (byte) (0x80 + rng.nextInt(0x80));
                return new Mutant(b, "invalid UTF-8 at " + at);
            }
        }
        return new Mutant(out.getBytes(StandardCharsets.UTF_8), what);
    }
}
