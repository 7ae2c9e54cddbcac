package org.qlstm.nn.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PyTorch {@code state_dict} saved with {@code torch.save(model.state_dict(), f)} (PyTorch 1.6 or
 * later: a zip archive holding a pickle and raw storages), without Python and without executing anything
 * the file asks for.
 *
 * <p>Supported: float32 tensors ({@code torch.FloatStorage}), any storage offset and non-negative strides
 * (views are copied out row-major), little-endian storages, pickle protocols 2 to 5. Refused with a
 * {@link ModelFileException} naming the file and the problem: any other tensor type or Python global,
 * legacy (pre-1.6) files, TorchScript archives, missing, compressed, truncated or oversized entries, views
 * reaching outside their storage, and malformed pickles.
 *
 * <p>Everything the pickle declares is checked before any tensor memory is allocated. NaN and infinite
 * values are read as they are; see {@link StateDict#findNonFinite()}.
 */
public final class PthReader {

    /**
     * Views copied out of a storage (slices, transposes, tensors sharing a storage) may need more memory
     * than the file holds; a stride-0 view of one float could claim gigabytes. Copies may total this many
     * times the stored elements, plus {@link #COPY_SLACK_ELEMENTS} so small files are not constrained.
     */
    static final int COPY_FACTOR = 4;

    /** See {@link #COPY_FACTOR}. */
    static final long COPY_SLACK_ELEMENTS = 1 << 20;

    private PthReader() {
    }

    /**
     * Reads every tensor of a state_dict file.
     *
     * @param file a {@code .pth} file written by {@code torch.save}
     * @return the tensors, in the file's order
     * @throws ModelFileException if the file cannot be read or is refused; the message is
     *                            {@code file: problem}
     */
    public static StateDict read(Path file) throws ModelFileException {
        try (PthArchive archive = PthArchive.open(file)) {
            StateDictUnpickler.Parsed parsed;
            try {
                parsed = StateDictUnpickler.parse(archive.readPickle());
            } catch (PickleFormatException e) {
                throw new ModelFileException(file, e.getMessage(), e);
            }
            checkBeforeAllocating(file, archive, parsed);
            return materialize(file, archive, parsed);
        } catch (ModelFileException e) {
            throw e;
        } catch (RuntimeException e) { // a bug of ours or of a library: still report which file
            throw new ModelFileException(file, "unexpected error while reading: " + e, e);
        } catch (OutOfMemoryError e) { // only if the heap cannot hold a model whose sizes all check out
            throw new ModelFileException(file, "not enough memory to hold its tensors (raise -Xmx)", e);
        }
    }

    private static void checkBeforeAllocating(Path file, PthArchive archive, StateDictUnpickler.Parsed parsed)
            throws ModelFileException {
        Set<String> checked = new HashSet<>();
        long stored = 0;
        long copied = 0;
        Set<String> handedOver = new HashSet<>();
        for (Map.Entry<String, TensorRef> e : parsed.tensors().entrySet()) {
            TensorRef t = e.getValue();
            if (checked.add(t.storage().key())) {
                archive.checkStorage(t.storage(), e.getKey());
                stored += t.storage().numel();
            }
            if (!(t.coversWholeStorage() && handedOver.add(t.storage().key()))) {
                copied += t.numel();
            }
        }
        // Each storage entry is checked against the file size, but crafted central-directory entries can
        // all point at the same bytes; uncompressed entries of a sound zip never share bytes.
        if (stored * Float.BYTES > archive.fileSize()) {
            throw new ModelFileException(file, "its storages declare " + stored * Float.BYTES + " bytes in total,"
                    + " more than the file's " + archive.fileSize() + " bytes (overlapping zip entries?)");
        }
        if (copied > COPY_FACTOR * stored + COPY_SLACK_ELEMENTS) {
            throw new ModelFileException(file, "its tensor views need " + copied + " copied elements, more than "
                    + COPY_FACTOR + " times the " + stored + " elements stored; refusing (overlapping or"
                    + " stride-0 views?)");
        }
    }

    /**
     * Reads each storage once and gives it to its tensors: the first tensor that is the whole storage in
     * order takes the array itself (the common case, no copy); other views get row-major copies. Going
     * storage by storage keeps at most one storage array alive besides the tensors.
     */
    private static StateDict materialize(Path file, PthArchive archive, StateDictUnpickler.Parsed parsed)
            throws ModelFileException {
        Map<String, List<String>> usersByStorage = new LinkedHashMap<>();
        parsed.tensors().forEach((name, t) ->
                usersByStorage.computeIfAbsent(t.storage().key(), k -> new ArrayList<>()).add(name));
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (List<String> users : usersByStorage.values()) {
            StorageRef storage = parsed.tensors().get(users.get(0)).storage();
            float[] data = archive.readStorage(storage, users.get(0));
            boolean arrayTaken = false;
            for (String name : users) {
                TensorRef t = parsed.tensors().get(name);
                float[] values;
                if (!arrayTaken && t.coversWholeStorage()) {
                    values = data;
                    arrayTaken = true;
                } else {
                    values = t.gather(data);
                }
                byName.put(name, new Tensor(name, t.shape(), values));
            }
        }
        List<Tensor> inFileOrder = new ArrayList<>(byName.size());
        for (String name : parsed.tensors().keySet()) {
            inFileOrder.add(byName.get(name));
        }
        return StateDict.of(file, inFileOrder);
    }
}
