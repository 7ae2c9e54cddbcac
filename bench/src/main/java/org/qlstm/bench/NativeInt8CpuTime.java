package org.qlstm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.qlstm.nn.kernel.KernelThreads;
import org.qlstm.quant.QuantizedWeight;
import org.qlstm.quant.kernel.Int8Matrix;

/**
 * {@link NativeInt8Benchmark}'s shapes and kernels timed in the thread's CPU time (best of 7 runs of repeated calls),
 * which a loaded shared machine distorts far less than JMH's wall-clock average. Prints µs per call and GOP/s.
 */
public final class NativeInt8CpuTime {

    private NativeInt8CpuTime() {
    }

    /** Runs every shape for the kernels named in the arguments (default: native-vnni native-avx2 vector widened). */
    public static void main(String[] args) {
        KernelThreads.configure(1);
        String[] kernels = args.length > 0 ? args : new String[] {"native-vnni", "native-avx2", "vector", "widened"};
        String[] shapes = {"25x256x33278", "25x512x1024", "25x256x1024", "1x256x1024"};
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (String kernel : kernels) {
            for (String shape : shapes) {
                String[] p = shape.split("x");
                int rows = Integer.parseInt(p[0]);
                int inputs = Integer.parseInt(p[1]);
                int outputs = Integer.parseInt(p[2]);
                SplittableRandom random = new SplittableRandom(42);
                byte[] w = new byte[outputs * inputs];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (byte) random.nextInt(-128, 128);
                }
                byte[] x = new byte[rows * inputs];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (byte) random.nextInt(256);
                }
                int[] acc = new int[rows * outputs];
                Int8Matrix m = NativeInt8Benchmark.kernel(kernel)
                        .prepare(new QuantizedWeight(w, 0.01f, outputs, inputs));
                double ops = 2.0 * rows * inputs * outputs;
                int calls = (int) Math.max(20, 2e9 / ops);
                for (int i = 0; i < calls; i++) {
                    m.multiply(x, rows, 131, acc);
                }
                long best = Long.MAX_VALUE;
                for (int run = 0; run < 7; run++) {
                    long t0 = bean.getCurrentThreadCpuTime();
                    for (int i = 0; i < calls; i++) {
                        m.multiply(x, rows, 131, acc);
                    }
                    best = Math.min(best, bean.getCurrentThreadCpuTime() - t0);
                }
                double perCall = best / (double) calls;
                System.out.printf("%-12s %-13s %10.2f µs  %7.1f GOP/s%n", kernel, shape, perCall / 1e3, ops / perCall);
            }
        }
    }
}
