package org.qlstm.nn.io;

/**
 * A float32 storage as the pickle's persistent id declares it: the archive entry {@code data/<key>}
 * holding {@code numel} little-endian floats.
 *
 * @param key   the entry name under {@code <prefix>/data/}
 * @param numel the declared number of float32 elements
 */
record StorageRef(String key, int numel) {

    /** @return the number of bytes the storage entry must have */
    long byteLength() {
        return (long) numel * Float.BYTES;
    }
}
