package org.qlstm.ffm;

/** The instruction sets the native kernel has a path for. */
public enum Isa {
    /** AVX-512 F+BW with VNNI: {@code vpdpbusd} (uint8 × int8 → int32, four products per lane). */
    VNNI("vnni", 2),
    /** AVX2: int8 → int16 widening and {@code vpmaddwd} (two int16 products per int32 lane). */
    AVX2("avx2", 1);

    private final String label;
    private final int featureBit;

    Isa(String label, int featureBit) {
        this.label = label;
        this.featureBit = featureBit;
    }

    /** Lower-case name, as in {@code native-vnni} and the {@code qlstm.native.isa} property. */
    public String label() {
        return label;
    }

    /** Whether {@code features} (from {@code qlstm_cpu_features}) include this instruction set. */
    boolean supportedBy(int features) {
        return (features & featureBit) != 0;
    }
}
