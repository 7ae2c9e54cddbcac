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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.qlstm.nn.kernel.FloatKernels;
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.nn.kernel.KernelThreads;

/**
 * The packed-panel kernel on the big products with {@link KernelThreads} at 1 and 2 threads (wall-clock average
 * time: the speed-up of splitting over output panels).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DecoderThreadsBenchmark {

    @Param({"25x256x33278", "25x512x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private FloatMatrix matrix;
    private float[] x;
    private float[] bias;
    private float[] y;
    private int rows;

    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.configure(threads);
        String[] parts = shape.split("x");
        rows = Integer.parseInt(parts[0]);
        int inputs = Integer.parseInt(parts[1]);
        int outputs = Integer.parseInt(parts[2]);
        SplittableRandom random = new SplittableRandom(42);
        matrix = FloatKernels.choose("vector").prepare(Data.gaussian(random, outputs * inputs, 0.05f), outputs,
                inputs);
        x = Data.gaussian(random, rows * inputs, 1f);
        bias = Data.gaussian(random, outputs, 0.1f);
        y = new float[rows * outputs];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        KernelThreads.configure(1);
    }

    @Benchmark
    public void multiply(Blackhole bh) {
        matrix.multiply(x, rows, bias, y);
        bh.consume(y);
    }
}
