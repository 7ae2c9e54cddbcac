package org.qlstm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.qlstm.quant.Engine;

/**
 * The goldens {@code qlstm report} draws on, read once each: PyTorch's forward logits and per-chunk losses for the
 * model being reported (only when the golden's {@code model_sha256} is the model's), and every golden's provenance.
 */
final class GoldenRecords {

    private final PyTorchRecords.Source source;
    private final Map<String, Optional<JsonNode>> cache = new HashMap<>();

    private GoldenRecords(PyTorchRecords.Source source) {
        this.source = source;
    }

    /** The goldens found as {@link PyTorchRecords} finds them, or empty when there are none. */
    static Optional<GoldenRecords> locate() {
        return PyTorchRecords.locate().map(GoldenRecords::new);
    }

    /** Where they are read from. */
    String describe() {
        return source.describe();
    }

    private Optional<JsonNode> read(String name) throws IOException {
        Optional<JsonNode> cached = cache.get(name);
        if (cached == null) {
            cached = source.read(name).map(PyTorchRecords.Rec::root); // read strictly, then used as a tree
            cache.put(name, cached);
        }
        return cached;
    }

    /** A forward golden ({@code small/float_forward.json}, ...) made from the model of this sha256. */
    Optional<JsonNode> forward(String name, String sha256) throws IOException {
        return read(name).filter(g -> sha256.equals(g.path("model_sha256").asText()));
    }

    /**
     * PyTorch's per-chunk test losses (bptt 25, batch 1) of this model, float ({@code engine} null) or int8, from
     * golden/small or golden/full, or why there are none.
     */
    ReportData.Maybe<double[]> chunkLosses(String sha256, Engine engine, Path dataDirectory) throws IOException {
        String mode = engine == null ? "float" : "int8 " + engine.name();
        String small = engine == null ? "small/float_eval.json" : "small/int8_eval_" + engine.name() + ".json";
        String full = engine == null ? "full/tutorial_float_loss.json"
                : "full/tutorial_int8_loss_" + engine.name() + ".json";
        Optional<JsonNode> s = read(small).filter(g -> sha256.equals(g.path("model_sha256").asText()));
        if (s.isPresent()) {
            String mismatch = PyTorchRecords.corpusMismatch(dataDirectory, "golden/small", s.get());
            if (mismatch != null) {
                return ReportData.Maybe.none(mismatch);
            }
            for (JsonNode eval : s.get().path("evals")) {
                if ("test".equals(eval.path("split").asText()) && eval.path("bptt").asInt() == PyTorchRecords.BPTT
                        && eval.path("batch_size").asInt() == PyTorchRecords.BATCH_SIZE) {
                    return ReportData.Maybe.of(LogitParity.flatten(eval.path("chunk_losses")));
                }
            }
            return ReportData.Maybe.none("no PyTorch " + mode + " chunk losses: " + small
                    + " has no test eval with bptt 25, batch 1");
        }
        Optional<JsonNode> f = read(full).filter(g -> sha256.equals(g.path("model_sha256").asText()));
        if (f.isPresent()) {
            String mismatch = PyTorchRecords.corpusMismatch(dataDirectory, "golden/full", f.get());
            if (mismatch != null) {
                return ReportData.Maybe.none(mismatch);
            }
            JsonNode g = f.get();
            if ("test".equals(g.path("split").asText()) && g.path("bptt").asInt() == PyTorchRecords.BPTT
                    && g.path("batch_size").asInt() == PyTorchRecords.BATCH_SIZE) {
                return ReportData.Maybe.of(LogitParity.flatten(g.path("chunk_losses")));
            }
            return ReportData.Maybe.none("no PyTorch " + mode + " chunk losses: " + full
                    + " is not a test eval with bptt 25, batch 1");
        }
        return ReportData.Maybe.none("no PyTorch " + mode + " chunk losses recorded for this model (sha256 "
                + PyTorchRecords.abbreviate(sha256) + ")");
    }

    /** The provenance of every golden JSON file present. */
    List<ReportData.Provenance> provenance() throws IOException {
        List<ReportData.Provenance> rows = new ArrayList<>();
        for (String name : source.list()) {
            Optional<JsonNode> golden = read(name);
            if (golden.isEmpty()) {
                continue;
            }
            JsonNode g = golden.get();
            JsonNode p = g.path("provenance");
            String sha = text(g.path("model_sha256"));
            if (sha == null) {
                sha = text(g.path("small_model").path("model_sha256")); // sizes.json: the small model's hash
            }
            rows.add(new ReportData.Provenance(name, text(p.path("torch")), text(p.path("engine")),
                    text(p.path("seed")), text(p.path("script")), sha));
        }
        return List.copyOf(rows);
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
