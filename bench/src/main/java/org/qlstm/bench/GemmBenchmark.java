package org.qlstm.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.nn.kernel.KernelThreads;

/**
 * {@code y = x·Wᵀ + b} at the model's shapes, one thread: the decoder (25×256 → 33,278), the LSTM input projections
 * (25×512 → 1,024 for layer 0, 25×256 → 1,024 for the others) and the recurrent step (1×256 → 1,024, a GEMV), for
 * the scalar reference, the first Vector API kernel ({@code dot}) and the packed-panel one ({@code vector}).
 * GFLOP/s = 2·rows·inputs·outputs / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** {@code rows x inputs x outputs}. */
    @Param({"25x256x33278", "25x512x1024", "25x256x1024", "1x256x1024"})
    public String shape;

    @Param({"scalar", "dot", "vector"})
    public String kernel;

    private FloatMatrix matrix;
    private float[] x;
    private float[] bias;
    private float[] y;
    private int rows;

    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.configure(1);
        String[] parts = shape.split("x");
        rows = Integer.parseInt(parts[0]);
        int inputs = Integer.parseInt(parts[1]);
        int outputs = Integer.parseInt(parts[2]);
        SplittableRandom random = new SplittableRandom(42);
        float[] w = Data.gaussian(random, outputs * inputs, 0.05f);
        matrix = FloatKernels.choose(kernel).prepare(w, outputs, inputs);
        x = Data.gaussian(random, rows * inputs, 1f);
        bias = Data.gaussian(random, outputs, 0.1f);
        y = new float[rows * outputs];
    }

    @Benchmark
    public void multiply(Blackhole bh) {
        matrix.multiply(x, rows, bias, y);
        bh.consume(y);
    }
}
