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
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.nn.kernel.VectorFloatKernel;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * The int8 accumulators {@code acc = Σ (xq − zp)·wq} at the model's shapes (as {@link GemmBenchmark}), one thread,
 * for the int8 kernels — {@code scalar} (reference), {@code widened} (weights widened to float arrays on the vector
 * float kernel), {@code vector} (bytes in packed panels, the default), and its {@code vector-float} /
 * {@code vector-int} inner loops forced — next to {@code float}, the float vector kernel on the same shape.
 * GOP/s = 2·rows·inputs·outputs / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Int8GemmBenchmark {

    /** {@code rows x inputs x outputs}. */
    @Param({"25x256x33278", "25x512x1024", "25x256x1024", "1x256x1024"})
    public String shape;

    @Param({"scalar", "widened", "vector", "vector-float", "vector-int", "float"})
    public String kernel;

    private Int8Matrix matrix;
    private FloatMatrix floats;
    private byte[] xq;
    private int[] acc;
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
        byte[] w = new byte[outputs * inputs];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) random.nextInt(256);
        }
        xq = new byte[rows * inputs];
        for (int i = 0; i < xq.length; i++) {
            xq[i] = (byte) random.nextInt(256);
        }
        acc = new int[rows * outputs];
        if (kernel.equals("float")) {
            float[] wf = Data.gaussian(random, outputs * inputs, 0.05f);
            floats = new VectorFloatKernel().prepare(wf, outputs, inputs);
            x = Data.gaussian(random, rows * inputs, 1f);
            bias = new float[outputs];
            y = new float[rows * outputs];
        } else {
            matrix = Int8Kernels.choose(kernel).prepare(new QuantizedWeight(w, 0.01f, outputs, inputs));
        }
    }

    @Benchmark
    public void multiply(Blackhole bh) {
        if (matrix != null) {
            matrix.multiply(xq, rows, 128, acc);
            bh.consume(acc);
        } else {
            floats.multiply(x, rows, bias, y);
            bh.consume(y);
        }
    }
}
