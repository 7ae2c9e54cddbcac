package org.qlstm.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.qlstm.nn.kernel.Activations;
import org.qlstm.nn.kernel.LogSoftmax;
import org.qlstm.nn.kernel.LstmGates;
import org.qlstm.nn.kernel.VectorActivations;

/**
 * The element-wise work per chunk: log-sum-exp over 25 rows of 33,278 logits (the evaluation's cross-entropy), the
 * LSTM gate step for one sequence (H = 256, 5 activations per unit), and plain sigmoid/tanh over 1,024 values;
 * each new vector path against what it replaced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    private static final int VOCABULARY = 33278;
    private static final int ROWS = 25;
    private static final int HIDDEN = 256;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private float[] logits;
    private float[] gates0;
    private float[] gates;
    private float[] ih;
    private float[] c;
    private float[] h;
    private float[] out;
    private float[] values;
    private float[] results;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        logits = Data.gaussian(random, ROWS * VOCABULARY, 3f);
        gates0 = Data.gaussian(random, 4 * HIDDEN, 2f);
        gates = gates0.clone();
        ih = Data.gaussian(random, 4 * HIDDEN, 2f);
        c = Data.gaussian(random, HIDDEN, 1f);
        h = new float[HIDDEN];
        out = new float[HIDDEN];
        values = Data.gaussian(random, 1024, 4f);
        results = new float[1024];
    }

    @Benchmark
    public double logSumExp25Rows() {
        double sum = 0;
        for (int r = 0; r < ROWS; r++) {
            sum += LogSoftmax.logSumExp(logits, r * VOCABULARY, VOCABULARY);
        }
        return sum;
    }

    /** The previous implementation: one accumulator, the Vector API's lanewise {@code EXP}, a scalar tail. */
    @Benchmark
    public double logSumExp25RowsLanewiseExp() {
        double sum = 0;
        for (int r = 0; r < ROWS; r++) {
            sum += lanewiseExpLogSumExp(logits, r * VOCABULARY, VOCABULARY);
        }
        return sum;
    }

    @Benchmark
    public void gateStepVector(Blackhole bh) {
        System.arraycopy(gates0, 0, gates, 0, gates.length);
        LstmGates.step(gates, 0, ih, 0, c, h, 0, out, 0, HIDDEN);
        bh.consume(out);
    }

    /** The previous gate loop: scalar {@link Activations} (double-precision {@code Math.exp}/{@code Math.tanh}). */
    @Benchmark
    public void gateStepScalar(Blackhole bh) {
        System.arraycopy(gates0, 0, gates, 0, gates.length);
        LstmGates.stepScalar(gates, 0, ih, 0, c, h, 0, out, 0, HIDDEN);
        bh.consume(out);
    }

    @Benchmark
    public void sigmoid1024Vector(Blackhole bh) {
        VectorActivations.sigmoid(values, 0, results, 0, values.length);
        bh.consume(results);
    }

    @Benchmark
    public void sigmoid1024Scalar(Blackhole bh) {
        for (int i = 0; i < values.length; i++) {
            results[i] = Activations.sigmoid(values[i]);
        }
        bh.consume(results);
    }

    @Benchmark
    public void tanh1024Vector(Blackhole bh) {
        VectorActivations.tanh(values, 0, results, 0, values.length);
        bh.consume(results);
    }

    @Benchmark
    public void tanh1024Scalar(Blackhole bh) {
        for (int i = 0; i < values.length; i++) {
            results[i] = Activations.tanh(values[i]);
        }
        bh.consume(results);
    }

    private static double lanewiseExpLogSumExp(float[] x, int from, int n) {
        float max = LogSoftmax.max(x, from, n);
        FloatVector acc = FloatVector.zero(S);
        FloatVector vmax = FloatVector.broadcast(S, max);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, from + i).sub(vmax).lanewise(VectorOperators.EXP));
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Math.exp(x[from + i] - max);
        }
        return max + Math.log(sum);
    }
}
