package org.qlstm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import org.qlstm.nn.eval.Evaluator;
import org.qlstm.nn.kernel.Kernels;
import org.qlstm.nn.kernel.LstmGates;
import org.qlstm.nn.model.InferenceSession;
import org.qlstm.nn.model.LanguageModel;
import org.qlstm.nn.model.LstmLayer;
import org.qlstm.nn.model.ModelLoader;
import org.qlstm.quant.Engine;
import org.qlstm.quant.QuantizeDynamic;
import org.qlstm.quant.kernel.Int8Kernels;

/**
 * Where the time of one 25-token chunk goes (batch 1, one thread, float, or int8 with a third argument naming the
 * engine): the steps of
 * {@link InferenceSession#forward} and the evaluation's cross-entropy, run in the same order on a real model file,
 * each timed in this thread's CPU time and summed over many chunks. A timer read costs a fraction of a microsecond
 * (it is measured and subtracted), so the 125 short recurrent GEMVs and gate steps are the least precise parts;
 * the untimed chunk (the real {@code InferenceSession}) is reported beside the sum.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx6g -cp bench/target/benchmarks.jar org.qlstm.bench.ChunkProfile \
 *     ../shared/models/tutorial_lstm.pth [chunks [qnnpack|onednn]]</pre>
 */
public final class ChunkProfile {

    private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    private static final int STEPS = 25;
    private static final int TEST_CHUNKS = 9823;
    private static final String[] PHASES = {"embedding", "input projections (5 × 25 rows)",
        "recurrent GEMVs (5 × 25 × 1 row)", "gate steps (5 × 25)", "decoder GEMM", "cross-entropy (log-sum-exp)"};

    private ChunkProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ChunkProfile MODEL.pth [chunks [int8 engine]]");
            System.exit(2);
        }
        LanguageModel model = ModelLoader.load(Path.of(args[0]));
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        Kernels.warmUp();
        if (args.length > 2) {
            model = QuantizeDynamic.quantize(model, QuantizeDynamic.LSTM_AND_LINEAR, Engine.parse(args[2]));
            Int8Kernels.warmUp();
            System.out.println("int8 " + args[2] + ", kernel " + Int8Kernels.preferred().name());
        }
        int tokens = model.embedding().tokens();
        int hidden = model.layers().get(0).hiddenSize();
        int layers = model.layers().size();
        float[] embedded = new float[STEPS * model.embedding().dim()];
        float[][] h = new float[layers][hidden];
        float[][] c = new float[layers][hidden];
        float[][] out = new float[layers][STEPS * hidden];
        float[] ih = new float[STEPS * 4 * hidden];
        float[] gates = new float[4 * hidden];
        float[] logits = new float[STEPS * tokens];
        int[] ids = new int[STEPS];
        int[] targets = new int[STEPS];
        long[] nanos = new long[PHASES.length];
        double[] sink = new double[1];
        long overhead = timerOverhead();
        for (int pass = 0; pass < 2; pass++) { // pass 0 warms up, pass 1 is measured
            java.util.Arrays.fill(nanos, 0);
            for (int chunk = 0; chunk < chunks; chunk++) {
                for (int i = 0; i < STEPS; i++) {
                    ids[i] = (chunk * 7919 + i * 104729) % tokens;
                    targets[i] = (ids[i] + 1) % tokens;
                }
                long t = cpu();
                model.embedding().lookup(ids, STEPS, embedded);
                t = lap(nanos, 0, t, overhead);
                float[] input = embedded;
                for (int l = 0; l < layers; l++) {
                    LstmLayer layer = model.layers().get(l);
                    layer.inputProjection().project(input, STEPS, ih);
                    t = lap(nanos, 1, t, overhead);
                    for (int s = 0; s < STEPS; s++) {
                        layer.hiddenProjection().project(h[l], 1, gates);
                        t = lap(nanos, 2, t, overhead);
                        LstmGates.step(gates, 0, ih, s * 4 * hidden, c[l], h[l], 0, out[l], s * hidden, hidden);
                        t = lap(nanos, 3, t, overhead);
                    }
                    input = out[l];
                }
                model.decoder().project(input, STEPS, logits);
                t = lap(nanos, 4, t, overhead);
                sink[0] += Evaluator.meanCrossEntropy(logits, targets, STEPS, tokens);
                lap(nanos, 5, t, overhead);
            }
        }
        InferenceSession session = model.newSession(1);
        long untimed = Long.MAX_VALUE;
        for (int chunk = 0; chunk < Math.max(40, chunks / 4); chunk++) {
            long t0 = cpu();
            float[] y = session.forward(ids, STEPS);
            sink[0] += Evaluator.meanCrossEntropy(y, targets, STEPS, tokens);
            untimed = Math.min(untimed, cpu() - t0);
        }
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        System.out.printf("%s, %d chunks of %d tokens, CPU time per chunk (timer overhead %.0f ns a read, "
                + "subtracted):%n", args[0], chunks, STEPS, overhead / 1.0);
        for (int i = 0; i < PHASES.length; i++) {
            System.out.printf("  %-34s %7.3f ms  %5.1f%%%n", PHASES[i], nanos[i] / 1e6 / chunks,
                    100.0 * nanos[i] / total);
        }
        System.out.printf("  %-34s %7.3f ms  → test set (%d chunks) ≈ %.0f s%n", "sum", total / 1e6 / chunks,
                TEST_CHUNKS, total / (double) chunks * TEST_CHUNKS / 1e9);
        System.out.printf("  %-34s %7.3f ms  → ≈ %.0f s (best of %d, InferenceSession + cross-entropy)%n",
                "untimed chunk", untimed / 1e6, untimed * (double) TEST_CHUNKS / 1e9, Math.max(40, chunks / 4));
        if (Double.isNaN(sink[0])) {
            System.out.println("NaN loss");
        }
    }

    private static long cpu() {
        return BEAN.getCurrentThreadCpuTime();
    }

    private static long lap(long[] nanos, int phase, long start, long overhead) {
        long now = cpu();
        nanos[phase] += now - start - overhead;
        return now;
    }

    /** The cost of one timer read, as the median of many back-to-back reads. */
    private static long timerOverhead() {
        long[] d = new long[20001];
        for (int i = 0; i < d.length; i++) {
            long a = cpu();
            d[i] = cpu() - a;
        }
        java.util.Arrays.sort(d);
        return d[d.length / 2];
    }
}
