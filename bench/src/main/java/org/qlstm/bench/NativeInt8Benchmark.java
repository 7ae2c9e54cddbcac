package org.qlstm.bench;

import java.util.ServiceLoader;
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
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.Int8KernelProvider;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * The int8 accumulation {@code Σ (xq − zp)·wq} at the model's shapes, one thread: the native kernel
 * ({@code qlstm-native}, found through {@link ServiceLoader} since this module compiles for Java 21) on its VNNI and
 * AVX2 paths, against the pure-Java {@code vector} (the default) and {@code widened} kernels. GOP/s = 2·rows·inputs·outputs / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class NativeInt8Benchmark {

    /** {@code rows x inputs x outputs}. */
    @Param({"25x256x33278", "25x512x1024", "25x256x1024", "1x256x1024"})
    public String shape;

    /** {@code native-vnni}, {@code native-avx2} or a pure-Java kernel's name. */
    @Param({"native-vnni", "native-avx2", "vector", "widened"})
    public String kernel;

    private Int8Matrix matrix;
    private byte[] x;
    private int[] acc;
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
            w[i] = (byte) random.nextInt(-128, 128);
        }
        x = new byte[rows * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) random.nextInt(256);
        }
        acc = new int[rows * outputs];
        matrix = kernel(kernel).prepare(new QuantizedWeight(w, 0.01f, outputs, inputs));
    }

    static Int8Kernel kernel(String name) {
        if (!name.startsWith("native-")) {
            return Int8Kernels.choose(name);
        }
        System.setProperty("qlstm.native.isa", name.substring("native-".length()));
        for (Int8KernelProvider provider : ServiceLoader.load(Int8KernelProvider.class)) {
            Int8KernelProvider.Offer offer = provider.offer();
            if (offer.available()) {
                return offer.kernel();
            }
            throw new IllegalStateException(name + " is unavailable: " + offer.reason());
        }
        throw new IllegalStateException("qlstm-native is not on the class path");
    }

    @Benchmark
    public void multiply(Blackhole bh) {
        matrix.multiply(x, rows, 131, acc);
        bh.consume(acc);
    }
}
