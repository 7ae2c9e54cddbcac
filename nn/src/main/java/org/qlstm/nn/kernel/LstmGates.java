package org.qlstm.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM cell's element-wise step over whole gate rows, vectorized. For each unit {@code j < H}, with the gate
 * pre-activations {@code a = hh + ih} laid out {@code [i | f | g | o]} (PyTorch's order):
 * <pre>
 *   i = σ(a[j]),  f = σ(a[H+j]),  g = tanh(a[2H+j]),  o = σ(a[3H+j])
 *   c = f·c + i·g          (two rounded float products and a rounded float sum, never fused)
 *   h = o·tanh(c)
 * </pre>
 * The float additions and products are exactly the scalar ones; σ and tanh are {@link VectorActivations}, which
 * match {@link Activations} on every float input, so the step gives the same values as {@link #stepScalar}. It runs
 * as a few short passes over the row (σ of i and f, tanh of g, σ of o, the cell update, tanh of c, the output) —
 * short loops compile well — with the activations written over {@code hh}, which is scratch.
 */
public final class LstmGates {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LstmGates() {
    }

    /**
     * One step for one sequence.
     *
     * @param hh     hidden projection (with its bias), {@code 4H} values from {@code hhFrom}; overwritten with the
     *               activations {@code [i | f | g | o]}
     * @param ih     input projection (with its bias), {@code 4H} values from {@code ihFrom}
     * @param c      cell state, {@code H} values from {@code stateFrom}; read and overwritten
     * @param h      hidden state, {@code H} values from {@code stateFrom}; overwritten
     * @param out    receives a copy of the new {@code h} at {@code outFrom}
     * @param hidden {@code H}
     */
    public static void step(float[] hh, int hhFrom, float[] ih, int ihFrom, float[] c, float[] h, int stateFrom,
                            float[] out, int outFrom, int hidden) {
        VectorActivations.sigmoidOfSum(hh, hhFrom, ih, ihFrom, hh, hhFrom, 2 * hidden);
        VectorActivations.tanhOfSum(hh, hhFrom + 2 * hidden, ih, ihFrom + 2 * hidden, hh, hhFrom + 2 * hidden,
                hidden);
        VectorActivations.sigmoidOfSum(hh, hhFrom + 3 * hidden, ih, ihFrom + 3 * hidden, hh, hhFrom + 3 * hidden,
                hidden);
        updateCell(hh, hhFrom, c, stateFrom, hidden);
        VectorActivations.tanh(c, stateFrom, out, outFrom, hidden);
        output(hh, hhFrom + 3 * hidden, h, stateFrom, out, outFrom, hidden);
    }

    /** {@code c = f·c + i·g} with {@code i, f, g} at {@code act[from]}, {@code [from+H]}, {@code [from+2H]}. */
    private static void updateCell(float[] act, int from, float[] c, int cFrom, int hidden) {
        int j = 0;
        for (; j + S.length() <= hidden; j += S.length()) {
            FloatVector i = FloatVector.fromArray(S, act, from + j);
            FloatVector f = FloatVector.fromArray(S, act, from + hidden + j);
            FloatVector g = FloatVector.fromArray(S, act, from + 2 * hidden + j);
            f.mul(FloatVector.fromArray(S, c, cFrom + j)).add(i.mul(g)).intoArray(c, cFrom + j);
        }
        for (; j < hidden; j++) {
            c[cFrom + j] = act[from + hidden + j] * c[cFrom + j] + act[from + j] * act[from + 2 * hidden + j];
        }
    }

    /** {@code h = o·t} where {@code t = tanh(c)} sits in {@code out}; then {@code out = h}. */
    private static void output(float[] o, int oFrom, float[] h, int hFrom, float[] out, int outFrom, int hidden) {
        int j = 0;
        for (; j + S.length() <= hidden; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, o, oFrom + j).mul(FloatVector.fromArray(S, out, outFrom + j));
            v.intoArray(h, hFrom + j);
            v.intoArray(out, outFrom + j);
        }
        for (; j < hidden; j++) {
            float v = o[oFrom + j] * out[outFrom + j];
            h[hFrom + j] = v;
            out[outFrom + j] = v;
        }
    }

    /** The same step with the scalar reference {@link Activations}, leaving {@code hh} unchanged. */
    public static void stepScalar(float[] hh, int hhFrom, float[] ih, int ihFrom, float[] c, float[] h,
                                  int stateFrom, float[] out, int outFrom, int hidden) {
        for (int j = 0; j < hidden; j++) {
            float in = Activations.sigmoid(hh[hhFrom + j] + ih[ihFrom + j]);
            float forget = Activations.sigmoid(hh[hhFrom + hidden + j] + ih[ihFrom + hidden + j]);
            float cell = Activations.tanh(hh[hhFrom + 2 * hidden + j] + ih[ihFrom + 2 * hidden + j]);
            float outGate = Activations.sigmoid(hh[hhFrom + 3 * hidden + j] + ih[ihFrom + 3 * hidden + j]);
            float cNew = forget * c[stateFrom + j] + in * cell;
            c[stateFrom + j] = cNew;
            float hNew = outGate * Activations.tanh(cNew);
            h[stateFrom + j] = hNew;
            out[outFrom + j] = hNew;
        }
    }
}
