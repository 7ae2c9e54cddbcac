package org.qlstm.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engines' requantization loops ({@code int32 accumulators → float outputs}), vectorized. The decoder's
 * 25 × 33,278 outputs per chunk made the scalar loops a fifth of the int8 decoder's time.
 *
 * <p><b>Same bits as the scalar formulas.</b> Every step is one IEEE-754 float operation rounded to nearest:
 * {@code I2F} conversion is {@code (float) int}, and {@code MUL}, {@code ADD} and {@code DIV} are separate lane-wise
 * operations (the Vector API never fuses them into an FMA, as Java's scalar arithmetic never does), applied in the
 * same order as the scalar expression each method documents. The tail uses the scalar expression itself.
 */
final class Requantize {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private Requantize() {
    }

    /** {@code y[j] = (float) acc[j] · multiplier + bias[j]} for every row (qnnpack, fbgemm; per tensor). */
    static void scaleThenAdd(int[] acc, int rows, int outputs, float multiplier, float[] bias, float[] y) {
        FloatVector m = FloatVector.broadcast(F, multiplier);
        int upper = F.loopBound(outputs);
        for (int r = 0; r < rows; r++) {
            int base = r * outputs;
            int j = 0;
            for (; j < upper; j += F.length()) {
                FloatVector a = (FloatVector) IntVector.fromArray(I, acc, base + j).convert(VectorOperators.I2F, 0);
                a.mul(m).add(FloatVector.fromArray(F, bias, j)).intoArray(y, base + j);
            }
            for (; j < outputs; j++) {
                y[base + j] = (float) acc[base + j] * multiplier + bias[j];
            }
        }
    }

    /**
     * {@code y[j] = (float) acc[j] · (weightScales[j] · activationScale) + bias[j]} for every row (qnnpack, fbgemm;
     * per channel).
     */
    static void scaleThenAdd(int[] acc, int rows, int outputs, float[] weightScales, float activationScale,
                             float[] bias, float[] y) {
        FloatVector s = FloatVector.broadcast(F, activationScale);
        int upper = F.loopBound(outputs);
        for (int r = 0; r < rows; r++) {
            int base = r * outputs;
            int j = 0;
            for (; j < upper; j += F.length()) {
                FloatVector m = FloatVector.fromArray(F, weightScales, j).mul(s);
                FloatVector a = (FloatVector) IntVector.fromArray(I, acc, base + j).convert(VectorOperators.I2F, 0);
                a.mul(m).add(FloatVector.fromArray(F, bias, j)).intoArray(y, base + j);
            }
            for (; j < outputs; j++) {
                y[base + j] = (float) acc[base + j] * (weightScales[j] * activationScale) + bias[j];
            }
        }
    }

    /** {@code y[j] = ((float) acc[j] + bias[j] · biasScale) · outputScale} for every row (onednn; per tensor). */
    static void addScaledBiasThenScale(int[] acc, int rows, int outputs, float biasScale, float outputScale,
                                       float[] bias, float[] y) {
        FloatVector bs = FloatVector.broadcast(F, biasScale);
        FloatVector os = FloatVector.broadcast(F, outputScale);
        int upper = F.loopBound(outputs);
        for (int r = 0; r < rows; r++) {
            int base = r * outputs;
            int j = 0;
            for (; j < upper; j += F.length()) {
                FloatVector a = (FloatVector) IntVector.fromArray(I, acc, base + j).convert(VectorOperators.I2F, 0);
                a.add(FloatVector.fromArray(F, bias, j).mul(bs)).mul(os).intoArray(y, base + j);
            }
            for (; j < outputs; j++) {
                y[base + j] = ((float) acc[base + j] + bias[j] * biasScale) * outputScale;
            }
        }
    }

    /**
     * {@code b = inverse · (1 / weightScales[j])}, {@code y[j] = ((float) acc[j] + bias[j] · b) · (1 / b)} for every
     * row (onednn; per channel).
     */
    static void addScaledBiasThenScale(int[] acc, int rows, int outputs, float inverse, float[] weightScales,
                                       float[] bias, float[] y) {
        FloatVector inv = FloatVector.broadcast(F, inverse);
        FloatVector one = FloatVector.broadcast(F, 1.0f);
        int upper = F.loopBound(outputs);
        for (int r = 0; r < rows; r++) {
            int base = r * outputs;
            int j = 0;
            for (; j < upper; j += F.length()) {
                FloatVector b = inv.mul(one.div(FloatVector.fromArray(F, weightScales, j)));
                FloatVector a = (FloatVector) IntVector.fromArray(I, acc, base + j).convert(VectorOperators.I2F, 0);
                a.add(FloatVector.fromArray(F, bias, j).mul(b)).mul(one.div(b)).intoArray(y, base + j);
            }
            for (; j < outputs; j++) {
                float b = inverse * (1.0f / weightScales[j]);
                y[base + j] = ((float) acc[base + j] + bias[j] * b) * (1.0f / b);
            }
        }
    }
}
