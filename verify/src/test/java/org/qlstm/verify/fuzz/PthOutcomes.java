package org.qlstm.verify.fuzz;

import org.qlstm.nn.io.ModelFileException;

/**
 * Classifies the refusals of {@code PthReader} and {@code ModelLoader} by the layer that made them, from the
 * problem text (the messages are part of the readers' contract: they must tell the user what is wrong).
 */
public final class PthOutcomes {
    public static final int FILE = 0;
    public static final int ZIP = 1;
    public static final int PICKLE = 2;
    public static final int TENSORS = 3;
    public static final int STORAGE = 4;
    public static final int MODEL = 5;

    private PthOutcomes() {
    }

    public static Outcome classify(Throwable t) {
        if (!(t instanceof ModelFileException e)) {
            return new Outcome(FILE, "other: " + t.getClass().getSimpleName());
        }
        String p = e.problem();
        if (p.startsWith("unexpected error while reading")) {
            return Outcome.bug("runtime exception caught by PthReader's catch-all");
        }
        if (p.startsWith("not enough memory")) {
            return Outcome.bug("out of memory");
        }
        if (p.startsWith("no such file") || p.startsWith("not a regular file") || p.startsWith("cannot read:")
                || p.startsWith("legacy torch.save") || p.startsWith("not a zip archive")) {
            return new Outcome(FILE, "file: not a torch.save zip");
        }
        if (p.startsWith("truncated or corrupt zip") || p.startsWith("cannot open")
                || p.startsWith("cannot read storage entry")) { // the local header of a storage is broken
            return new Outcome(ZIP, "zip: corrupt");
        }
        if (p.startsWith("missing storage entry") || p.startsWith("storage entry")
                || p.startsWith("its storages declare") || p.startsWith("its tensor views need")) {
            return new Outcome(STORAGE, "storage: entry vs pickle");
        }
        if (p.startsWith("a TorchScript") || p.startsWith("zip archive without")
                || p.startsWith("zip archive with several") || p.startsWith("storages are big-endian")
                || p.startsWith("unrecognized byteorder") || p.startsWith("entry '")
                || p.startsWith("cannot read entry")) {
            return new Outcome(ZIP, "zip: layout");
        }
        if (p.startsWith("data.pkl byte") || p.startsWith("data.pkl: ")) {
            if (p.contains("allow-list") || p.contains("unsupported storage type")
                    || p.contains("unsupported tensor kind")) {
                return new Outcome(PICKLE, "pickle: refused global");
            }
            if (p.contains("_rebuild_") || p.contains("persistent id") || p.contains("storage key")
                    || p.contains("storage location") || p.contains("element count") || p.contains("is declared with")
                    || p.contains("OrderedDict called") || p.contains("out of range") || p.contains("not an int")
                    || p.contains("not a tuple")) {
                return new Outcome(TENSORS, "pickle: tensor arguments");
            }
            return new Outcome(PICKLE, "pickle: syntax");
        }
        if (p.startsWith("data.pkl holds") || p.startsWith("state_dict key") || p.startsWith("state_dict entry")) {
            return new Outcome(TENSORS, "state_dict: not a dict of tensors");
        }
        if (p.startsWith("tensor '")) {
            return new Outcome(TENSORS, "tensor: view outside storage");
        }
        if (p.startsWith("non-finite weight")) {
            return new Outcome(MODEL, "model: non-finite weight");
        }
        if (p.contains(" has shape ") || p.contains("not a multiple of 4")) {
            return new Outcome(MODEL, "model: shape mismatch");
        }
        if (p.endsWith(" is missing") || p.startsWith("no LSTM layer") || p.startsWith("no tensor named")) {
            return new Outcome(MODEL, "model: missing tensor");
        }
        if (p.startsWith("unexpected tensor")) {
            return new Outcome(MODEL, "model: unexpected tensor");
        }
        return new Outcome(FILE, "unclassified: " + FuzzReport.clip(p, 200));
    }
}
