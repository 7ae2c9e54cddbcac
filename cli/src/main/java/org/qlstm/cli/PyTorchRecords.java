package org.qlstm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.qlstm.nn.model.ModelShape;
import org.qlstm.quant.Engine;

/**
 * PyTorch's figures for the model being run, as the reference scripts recorded them in {@code golden/}: the exact
 * {@code torch.save} sizes ({@code sizes.json}) and the test-split losses (bptt 25, batch 1) of the float and the
 * int8 model ({@code small/float_eval.json}, {@code small/int8_eval_<engine>.json} for the small model;
 * {@code full/tutorial_float_loss.json}, {@code full/tutorial_int8_loss_<engine>.json} for the shared tutorial
 * model). A record is used only for the model it was made from: the sha256 of the model file must equal the
 * golden's {@code model_sha256}; the losses also need the same corpus (sha256 of train, valid and test) and the
 * whole test split. Anything else is reported as n/a with the reason.
 *
 * <p>Where the goldens are read from, in order:
 * <ol>
 *   <li>the directory named by the system property {@value #PROPERTY}, when it is set (and nothing else);</li>
 *   <li>classpath resources under {@value #RESOURCE_BASE} (present when the build packs them into the jar);</li>
 *   <li>the repository's {@code golden/} directory beside the build output: {@code cli/target/qlstm-cli.jar →
 *       ../../golden}, {@code cli/target/classes → ../../../golden}.</li>
 * </ol>
 */
public final class PyTorchRecords {

    /** System property naming a golden directory to use instead of the packed or repository one. */
    static final String PROPERTY = "qlstm.golden";
    /** Where the build may pack the needed golden files. */
    static final String RESOURCE_BASE = "/org/qlstm/cli/golden/";

    /** Settings of the recorded evaluations (the tutorial's). */
    static final int BPTT = 25;
    static final int BATCH_SIZE = 1;

    private static final String[] SPLITS = {"train", "valid", "test"};

    /** One PyTorch figure, or why there is none. */
    public record Figure(Double value, String note) {
        static Figure of(double value) {
            return new Figure(value, null);
        }

        static Figure na(String note) {
            return new Figure(null, note);
        }

        boolean present() {
            return value != null;
        }
    }

    /**
     * The figures found for one run.
     *
     * @param record    {@code "golden/small"} or {@code "golden/full"} when the model is one the goldens were made
     *                  from, else null
     * @param source    where the goldens were read from (a directory or "the jar"), null when none were found
     * @param torch     PyTorch's version recorded in the golden, or null
     * @param floatBytes {@code torch.save} bytes of the float model
     * @param int8Bytes  {@code torch.save} bytes of the int8 model
     * @param floatLoss  float test loss
     * @param int8Loss   int8 test loss
     */
    public record Figures(String record, String source, String torch, Figure floatBytes, Figure int8Bytes,
                   Figure floatLoss, Figure int8Loss) {

        boolean matched() {
            return record != null;
        }

        /** The distinct reasons of the n/a figures, in row order. */
        List<String> notes() {
            List<String> notes = new ArrayList<>();
            for (Figure f : List.of(floatBytes, int8Bytes, floatLoss, int8Loss)) {
                if (f.note() != null && !notes.contains(f.note())) {
                    notes.add(f.note());
                }
            }
            return notes;
        }

        static Figures none(String source, String note) {
            Figure na = Figure.na(note);
            return new Figures(null, source, null, na, na, na, na);
        }
    }

    /**
     * What the run was, to decide which records apply.
     *
     * @param modelSha256     sha256 of the model file
     * @param dataDirectory   the corpus directory
     * @param shape           the model's shape
     * @param engine          the int8 engine
     * @param evaluatedTokens test tokens evaluated (after --limit-tokens)
     * @param testTokens      tokens of the whole test split
     */
    public record Run(String modelSha256, Path dataDirectory, ModelShape shape, Engine engine, int evaluatedTokens,
               int testTokens) {

        boolean limited() {
            return evaluatedTokens < testTokens;
        }
    }

    /** One parsed golden file and its name for messages. */
    record Rec(String file, JsonNode root) {
        /** The object {@code field} of this one (a missing node when absent), with the same file. */
        Rec object(String field) throws RecordFileException {
            return new Rec(file, RecordFiles.object(file, root, field));
        }
    }

    /** A place goldens are read from. */
    interface Source {
        /** The parsed file at {@code relative} (e.g. {@code small/float_eval.json}), or empty when absent. */
        Optional<Rec> read(String relative) throws RecordFileException;

        /** The relative names of the JSON goldens present, sorted. */
        List<String> list() throws IOException;

        String describe();
    }

    /** The JSON goldens a jar may hold (a jar cannot be listed; the build packs a subset of these). */
    private static final List<String> PACKABLE = packable();

    private static List<String> packable() {
        List<String> names = new ArrayList<>(List.of("sizes.json", "small/float_eval.json",
                "small/float_forward.json", "full/tutorial_float_loss.json"));
        for (Engine e : Engine.all()) {
            names.add("small/int8_eval_" + e.name() + ".json");
            names.add("small/int8_forward_" + e.name() + ".json");
            names.add("small/linear_dynamic_" + e.name() + ".json");
            names.add("full/tutorial_int8_loss_" + e.name() + ".json");
        }
        names.sort(null);
        return List.copyOf(names);
    }

    private PyTorchRecords() {
    }

    /** PyTorch's figures for {@code run}, or n/a figures that say why. */
    static Figures lookup(Run run) throws IOException {
        Optional<Source> found = locate();
        if (found.isEmpty()) {
            return Figures.none(null, "n/a (PyTorch records not found): neither packed in the jar nor in the "
                    + "repository's golden/ beside it; -D" + PROPERTY + "=DIR names a golden directory");
        }
        Source source = found.get();
        String sha = run.modelSha256();
        try {
            return lookup(source, run, sha);
        } catch (IOException e) {
            return Figures.none(source.describe(), "n/a (PyTorch records unreadable): " + Failures.describe(e));
        }
    }

    /**
     * PyTorch's figures for {@code run} from the golden directory {@code goldenDir} (the lookup the tutorial
     * command makes, without its fallback to n/a when a record is unreadable).
     *
     * @throws RecordFileException naming the file, when a record file is malformed or has a field of the wrong
     *                             type
     * @throws IOException         when a corpus file of the run cannot be read
     */
    public static Figures lookupIn(Path goldenDir, Run run) throws IOException {
        return lookup(directory(goldenDir), run, run.modelSha256());
    }

    private static Figures lookup(Source source, Run run, String sha) throws IOException {
        Optional<Rec> smallFloat = source.read("small/float_eval.json");
        Optional<Rec> fullFloat = source.read("full/tutorial_float_loss.json");
        if (smallFloat.isPresent() && sha.equals(text(smallFloat.get(), "model_sha256"))) {
            return small(source, run, sha, smallFloat.get());
        }
        if (fullFloat.isPresent() && sha.equals(text(fullFloat.get(), "model_sha256"))) {
            return full(source, run, sha, fullFloat.get());
        }
        if (smallFloat.isEmpty() && fullFloat.isEmpty()) {
            return Figures.none(source.describe(), "n/a (PyTorch records not found): none in " + source.describe());
        }
        return Figures.none(source.describe(), "n/a (no PyTorch record for this model): its sha256 " + abbreviate(sha)
                + " is neither golden/small's nor golden/full's model_sha256");
    }

    private static Figures small(Source source, Run run, String sha, Rec floatGolden) throws IOException {
        Optional<Rec> sizes = source.read("sizes.json");
        Figure floatBytes;
        Figure int8Bytes;
        Rec smallSizes = sizes.isEmpty() ? null : sizes.get().object("small_model");
        if (smallSizes == null || smallSizes.root().isMissingNode()) {
            floatBytes = int8Bytes = Figure.na("n/a (no PyTorch size record): sizes.json is missing");
        } else if (!sha.equals(text(smallSizes, "model_sha256"))) {
            floatBytes = int8Bytes = Figure.na("n/a (no PyTorch size record for this model): sizes.json's small_model "
                    + "has another model_sha256");
        } else {
            floatBytes = bytes(smallSizes.object("float"), "sizes.json");
            int8Bytes = bytes(smallSizes.object("int8").object(run.engine().name()), "engine "
                    + run.engine().name());
        }
        Figure floatLoss;
        Figure int8Loss;
        String comparable = lossComparability(run, embeddedCorpusSha256());
        if (comparable != null) {
            floatLoss = int8Loss = Figure.na(comparable);
        } else {
            floatLoss = smallLoss(floatGolden, sha, "small/float_eval.json");
            String int8Name = "small/int8_eval_" + run.engine().name() + ".json";
            Optional<Rec> int8Golden = source.read(int8Name);
            int8Loss = int8Golden.isEmpty() ? noInt8Record(run.engine())
                    : smallLoss(int8Golden.get(), sha, int8Name);
        }
        return new Figures("golden/small", source.describe(), torch(floatGolden), floatBytes, int8Bytes, floatLoss,
                int8Loss);
    }

    private static Figures full(Source source, Run run, String sha, Rec floatGolden) throws IOException {
        Optional<Rec> sizes = source.read("sizes.json");
        Figure floatBytes;
        Figure int8Bytes;
        Rec arch = sizes.isEmpty() ? null : sizes.get().object("tutorial_architecture");
        if (arch == null || arch.root().isMissingNode()) {
            floatBytes = int8Bytes = Figure.na("n/a (no PyTorch size record): sizes.json is missing");
        } else if (!sameShape(arch.object("dims"), run.shape())) {
            floatBytes = int8Bytes = Figure.na("n/a (no PyTorch size record for this shape)");
        } else {
            floatBytes = bytes(arch.object("float"), "sizes.json");
            int8Bytes = bytes(arch.object("int8").object(run.engine().name()), "engine " + run.engine().name());
        }
        Figure floatLoss;
        Figure int8Loss;
        String comparable = lossComparability(run, recordedCorpusSha256(floatGolden));
        if (comparable != null) {
            floatLoss = int8Loss = Figure.na(comparable);
        } else {
            floatLoss = fullLoss(floatGolden, sha, "full/tutorial_float_loss.json");
            String int8Name = "full/tutorial_int8_loss_" + run.engine().name() + ".json";
            Optional<Rec> int8Golden = source.read(int8Name);
            int8Loss = int8Golden.isEmpty() ? noInt8Record(run.engine()) : fullLoss(int8Golden.get(), sha, int8Name);
        }
        return new Figures("golden/full", source.describe(), torch(floatGolden), floatBytes, int8Bytes, floatLoss,
                int8Loss);
    }

    /** Null when PyTorch's whole-test-split loss is comparable with this run's, else why not. */
    private static String lossComparability(Run run, String[] recordedCorpus) throws IOException {
        if (run.limited()) {
            return String.format(Locale.ROOT, "n/a (not comparable): our loss covers the first %,d of the test "
                    + "split's %,d tokens (--limit-tokens); PyTorch's record is the whole split",
                    run.evaluatedTokens(), run.testTokens());
        }
        return corpusMismatch(run.dataDirectory(), recordedCorpus);
    }

    /**
     * Null when the corpus in {@code dataDirectory} is the one a recorded evaluation used, else why not: the
     * small goldens used the embedded corpus, the full ones name theirs by sha256.
     */
    static String corpusMismatch(Path dataDirectory, String record, JsonNode golden) throws IOException {
        return corpusMismatch(dataDirectory, record.equals("golden/small") ? embeddedCorpusSha256()
                : recordedCorpusSha256(new Rec(record, golden)));
    }

    private static String corpusMismatch(Path dataDirectory, String[] recordedCorpus) throws IOException {
        if (recordedCorpus == null) {
            return "n/a (not comparable): the record does not name its corpus";
        }
        for (int i = 0; i < SPLITS.length; i++) {
            Path file = dataDirectory.resolve(SPLITS[i] + ".txt");
            if (!Files.isRegularFile(file) || !sha256(file).equals(recordedCorpus[i])) {
                return "n/a (not comparable): " + SPLITS[i] + ".txt differs from the corpus PyTorch's record used";
            }
        }
        return null;
    }

    private static Figure smallLoss(Rec golden, String sha, String name) throws RecordFileException {
        if (!sha.equals(text(golden, "model_sha256"))) {
            return Figure.na("n/a (no PyTorch record for this model): " + name + " was made from another model");
        }
        JsonNode evals = RecordFiles.array(golden.file(), golden.root(), "evals");
        for (int i = 0; i < evals.size(); i++) {
            if (!evals.get(i).isObject()) {
                throw new RecordFileException(golden.file(), "evals[" + i + "] is " + RecordFiles.kind(evals.get(i))
                        + ", expected an object");
            }
            Rec eval = new Rec(golden.file(), evals.get(i));
            Double loss = RecordFiles.number(eval.file(), eval.root(), "loss");
            if ("test".equals(text(eval, "split")) && isCount(eval, "bptt", BPTT)
                    && isCount(eval, "batch_size", BATCH_SIZE) && loss != null) {
                return Figure.of(loss);
            }
        }
        return Figure.na("n/a (no PyTorch record): " + name + " has no test-split eval with bptt 25, batch 1");
    }

    private static Figure fullLoss(Rec golden, String sha, String name) throws RecordFileException {
        if (!sha.equals(text(golden, "model_sha256"))) {
            return Figure.na("n/a (no PyTorch record for this model): " + name + " was made from another model");
        }
        Double loss = RecordFiles.number(golden.file(), golden.root(), "loss");
        if (!"test".equals(text(golden, "split")) || !isCount(golden, "bptt", BPTT)
                || !isCount(golden, "batch_size", BATCH_SIZE) || loss == null) {
            return Figure.na("n/a (no PyTorch record): " + name + " is not a test-split eval with bptt 25, batch 1");
        }
        return Figure.of(loss);
    }

    private static boolean isCount(Rec rec, String field, long expected) throws RecordFileException {
        Long value = RecordFiles.count(rec.file(), rec.root(), field);
        return value != null && value == expected;
    }

    private static Figure noInt8Record(Engine engine) {
        return Figure.na("n/a (no PyTorch int8 record for engine " + engine.name() + ")");
    }

    private static Figure bytes(Rec node, String what) throws RecordFileException {
        Long bytes = RecordFiles.count(node.file(), node.root(), "bytes");
        return bytes != null ? Figure.of(bytes) : Figure.na("n/a (no PyTorch size record for " + what + ")");
    }

    private static boolean sameShape(Rec dims, ModelShape shape) throws RecordFileException {
        return isCount(dims, "ntoken", shape.tokens()) && isCount(dims, "ninp", shape.embeddingSize())
                && isCount(dims, "nhid", shape.hiddenSize()) && isCount(dims, "nlayers", shape.layers());
    }

    private static String[] recordedCorpusSha256(Rec golden) throws RecordFileException {
        Rec data = golden.object("data_sha256");
        String[] shas = new String[SPLITS.length];
        for (int i = 0; i < SPLITS.length; i++) {
            shas[i] = text(data, SPLITS[i]);
            if (shas[i] == null) {
                return null;
            }
        }
        return shas;
    }

    /** The small goldens do not record their corpus's hashes: it is the embedded corpus (golden/small/*.txt). */
    private static String[] embeddedCorpusSha256() throws IOException {
        String[] shas = new String[SPLITS.length];
        for (int i = 0; i < SPLITS.length; i++) {
            try (InputStream in = PyTorchRecords.class.getResourceAsStream("/org/qlstm/cli/default/" + SPLITS[i]
                    + ".txt")) {
                if (in == null) {
                    return null;
                }
                shas[i] = sha256(in);
            }
        }
        return shas;
    }

    private static String torch(Rec golden) throws RecordFileException {
        return text(golden.object("provenance"), "torch");
    }

    private static String text(Rec node, String field) throws RecordFileException {
        return RecordFiles.text(node.file(), node.root(), field);
    }

    /** The first 12 hex digits, enough to tell hashes apart in a message. */
    static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }

    /** The sha256 of a file, in lowercase hex. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Where the goldens are read from (see the class comment), or empty when there are none. */
    static Optional<Source> locate() {
        String property = System.getProperty(PROPERTY);
        if (property != null) {
            Path dir = Path.of(property);
            return Files.isDirectory(dir) ? Optional.of(directory(dir)) : Optional.empty();
        }
        if (PyTorchRecords.class.getResource(RESOURCE_BASE + "small/float_eval.json") != null
                || PyTorchRecords.class.getResource(RESOURCE_BASE + "sizes.json") != null) {
            return Optional.of(resources());
        }
        return repositoryGoldenDirectory().map(PyTorchRecords::directory);
    }

    /** {@code cli/target/qlstm-cli.jar → ../../golden}; {@code cli/target/classes → ../../../golden}. */
    private static Optional<Path> repositoryGoldenDirectory() {
        try {
            var codeSource = PyTorchRecords.class.getProtectionDomain().getCodeSource();
            if (codeSource == null || codeSource.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(codeSource.getLocation().toURI()).toAbsolutePath();
            Path target = location.getParent(); // the jar's directory, or the classes directory's parent
            if (target == null || target.getParent() == null || target.getParent().getParent() == null) {
                return Optional.empty();
            }
            Path golden = target.getParent().getParent().resolve("golden").normalize();
            return Files.isDirectory(golden) ? Optional.of(golden) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Source directory(Path dir) {
        return new Source() {
            @Override
            public Optional<Rec> read(String relative) throws RecordFileException {
                Path file = dir.resolve(relative);
                if (!Files.exists(file)) {
                    return Optional.empty();
                }
                return Optional.of(new Rec(file.toString(), RecordFiles.read(file)));
            }

            @Override
            public List<String> list() throws IOException {
                try (var files = Files.walk(dir)) {
                    return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json"))
                            .map(f -> dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                            .sorted().toList();
                }
            }

            @Override
            public String describe() {
                return dir.toString();
            }
        };
    }

    private static Source resources() {
        return new Source() {
            @Override
            public Optional<Rec> read(String relative) throws RecordFileException {
                String name = "the jar's " + RESOURCE_BASE.substring(1) + relative;
                try (InputStream in = PyTorchRecords.class.getResourceAsStream(RESOURCE_BASE + relative)) {
                    return in == null ? Optional.empty() : Optional.of(new Rec(name, RecordFiles.read(name, in)));
                } catch (RecordFileException e) {
                    throw e;
                } catch (IOException e) {
                    throw new RecordFileException(name, "cannot read: " + e.getMessage(), e);
                }
            }

            @Override
            public List<String> list() {
                return PACKABLE.stream()
                        .filter(name -> PyTorchRecords.class.getResource(RESOURCE_BASE + name) != null).toList();
            }

            @Override
            public String describe() {
                return "the jar (" + RESOURCE_BASE.substring(1) + ")";
            }
        };
    }
}
