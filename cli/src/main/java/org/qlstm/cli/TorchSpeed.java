package org.qlstm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's evaluation timings on this machine, as {@code reference/bench_torch.py --json} prints them, for
 * {@code qlstm report --torch-speed FILE}. Timings depend on the machine, so no golden records them; the user measures
 * them here and the report sets them beside ours. The file is read strictly: it must have been measured on the
 * report's model (same sha256) and on the same number of predictions, or the comparison would be meaningless.
 *
 * @param file        the file it was read from
 * @param torch       PyTorch's version
 * @param threads     PyTorch's intra-op threads
 * @param predictions predictions per evaluation
 * @param rounds      alternating rounds (the seconds are medians)
 * @param modes       {@code float}, then {@code int8 <engine>} per engine, in the file's order
 */
record TorchSpeed(String file, String torch, long threads, long predictions, long rounds, List<Mode> modes) {

    /**
     * One evaluation mode.
     *
     * @param name    {@code float} or {@code int8 <engine>}
     * @param seconds median wall seconds of one evaluation
     * @param loss    the loss it computed
     */
    record Mode(String name, double seconds, double loss) {
        /** Predictions per second. */
        double tokensPerSecond(long predictions) {
            return predictions / seconds;
        }
    }

    /**
     * Reads {@code file} and checks it describes the same model and tokens as the report.
     *
     * @param modelSha256 the report's model's sha256
     * @param predictions the report's predictions per evaluation
     * @param tokens      the report's evaluated test tokens (what to pass to {@code --limit-tokens} to match)
     * @throws RecordFileException {@code file: problem}, one line
     */
    static TorchSpeed read(Path file, String modelSha256, long predictions, int tokens) throws RecordFileException {
        String name = file.toString();
        JsonNode root = RecordFiles.read(file);
        String sha = require(name, "model_sha256", RecordFiles.text(name, root, "model_sha256"));
        if (!sha.equals(modelSha256)) {
            throw new RecordFileException(name, "timed the model with sha256 " + PyTorchRecords.abbreviate(sha)
                    + ", not this report's model (" + PyTorchRecords.abbreviate(modelSha256) + ")");
        }
        long timed = require(name, "tokens", RecordFiles.count(name, root, "tokens"));
        if (timed != predictions) {
            throw new RecordFileException(name, "timed " + timed + " predictions, this report evaluates "
                    + predictions + " (run reference/bench_torch.py --limit-tokens " + tokens + ")");
        }
        String torch = require(name, "torch", RecordFiles.text(name, root, "torch"));
        long threads = require(name, "threads", RecordFiles.count(name, root, "threads"));
        long rounds = require(name, "rounds", RecordFiles.count(name, root, "rounds"));
        JsonNode modes = RecordFiles.object(name, root, "modes");
        if (modes.isMissingNode() || modes.isEmpty()) {
            throw new RecordFileException(name, "modes is missing or empty");
        }
        List<Mode> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : modes.properties()) {
            String mode = e.getKey();
            if (!mode.equals("float") && !mode.matches("int8_[a-z0-9]{1,16}")) {
                throw new RecordFileException(name, "modes has an unknown mode '" + RecordFiles.clip(mode)
                        + "' (expected float or int8_<engine>)");
            }
            String where = "modes." + mode;
            JsonNode m = RecordFiles.object(name, modes, mode);
            if (m.isMissingNode()) {
                throw new RecordFileException(name, where + " is missing");
            }
            double seconds = require(name, where + ".median_wall_seconds",
                    RecordFiles.number(name, m, "median_wall_seconds"));
            if (!(seconds > 0)) {
                throw new RecordFileException(name, where + ".median_wall_seconds is " + seconds
                        + ", expected a positive number");
            }
            double loss = require(name, where + ".loss", RecordFiles.number(name, m, "loss"));
            list.add(new Mode(mode.replace('_', ' '), seconds, loss));
        }
        return new TorchSpeed(name, torch, threads, predictions, rounds, List.copyOf(list));
    }

    private static <T> T require(String file, String field, T value) throws RecordFileException {
        if (value == null) {
            throw new RecordFileException(file, field + " is missing");
        }
        return value;
    }
}
