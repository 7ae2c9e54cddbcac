package org.qlstm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.qlstm.nn.kernel.FloatMatrix;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.nn.kernel.Kernels;
import org.qlstm.nn.kernel.VectorFloatKernel;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Kernels;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * {@link Int8GemmBenchmark}'s shapes and kernels timed in this thread's CPU time (best of the runs in ~2 s per
 * kernel and shape), which holds up on a shared machine where JMH's wall-clock averages do not. One thread.
 * GOP/s = 2·rows·inputs·outputs / time; {@code float} is the float vector kernel on the same shape.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.qlstm.bench.Int8CpuTimeReport</pre>
 *
 * Add {@code -XX:UseAVX=2} to time the 256-bit paths on an AVX-512 machine.
 */
public final class Int8CpuTimeReport {

    private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    private static final long NANOS_PER_CASE = 2_000_000_000L;

    private Int8CpuTimeReport() {
    }

    public static void main(String[] args) {
        KernelThreads.configure(1);
        System.out.printf("warm-up: float %.0f ms, int8 %.0f ms; default int8 kernel %s%n", Kernels.warmUp() / 1e6,
                Int8Kernels.warmUp() / 1e6, Int8Kernels.preferred().name());
        String[] kernels = args.length > 0 ? args
                : new String[] {"scalar", "widened", "vector", "vector-float", "vector-int", "float"};
        int[][] shapes = {{25, 256, 33278}, {25, 512, 1024}, {25, 256, 1024}, {1, 256, 1024}};
        for (int[] s : shapes) {
            StringBuilder line = new StringBuilder(String.format("%2dx%3d→%5d:", s[0], s[1], s[2]));
            for (String kernel : kernels) {
                double ns = time(kernel, s[0], s[1], s[2]);
                line.append(String.format("  %s %.1f µs %.0f G", kernel, ns / 1e3, 2.0 * s[0] * s[1] * s[2] / ns));
            }
            System.out.println(line);
        }
    }

    private static double time(String kernel, int rows, int inputs, int outputs) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] w = new byte[outputs * inputs];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) random.nextInt(256);
        }
        byte[] xq = new byte[rows * inputs];
        for (int i = 0; i < xq.length; i++) {
            xq[i] = (byte) random.nextInt(256);
        }
        Runnable run;
        if (kernel.equals("float")) {
            FloatMatrix m = new VectorFloatKernel().prepare(Data.gaussian(random, w.length, 0.05f), outputs, inputs);
            float[] x = Data.gaussian(random, rows * inputs, 1f);
            float[] bias = new float[outputs];
            float[] y = new float[rows * outputs];
            run = () -> m.multiply(x, rows, bias, y);
        } else {
            Int8Matrix m = Int8Kernels.choose(kernel).prepare(new QuantizedWeight(w, 0.01f, outputs, inputs));
            int[] acc = new int[rows * outputs];
            run = () -> m.multiply(xq, rows, 128, acc);
        }
        long reps = Math.max(1, 200_000_000L / ((long) rows * inputs * outputs));
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + NANOS_PER_CASE;
        while (System.nanoTime() < end) {
            long t0 = BEAN.getCurrentThreadCpuTime();
            for (long i = 0; i < reps; i++) {
                run.run();
            }
            best = Math.min(best, (BEAN.getCurrentThreadCpuTime() - t0) / reps);
        }
        return best;
    }
}
