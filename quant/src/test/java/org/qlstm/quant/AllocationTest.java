package org.qlstm.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qlstm.nn.kernel.ScalarFloatKernel;
import org.qlstm.quant.kernel.Int8Kernel;
import org.qlstm.quant.kernel.ScalarInt8Kernel;
import org.qlstm.quant.kernel.WidenedFloatInt8Kernel;

/** Once warm, a {@code project} call allocates nothing: buffers are per thread, parameters in a reused holder. */
class AllocationTest {

    @Test
    void warmProjectionsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random rng = new Random(3);
        float[] w = TinyModels.gaussian(rng, 96 * 40, 0.5f);
        float[] b = TinyModels.gaussian(rng, 96, 0.1f);
        float[] x = TinyModels.gaussian(rng, 5 * 40, 1f);
        float[] y = new float[5 * 96];
        QuantizedWeight q = Quantization.quantizeWeight(w, 96, 40);
        for (Engine engine : Engine.all()) {
            for (Int8Kernel kernel : new Int8Kernel[] {new ScalarInt8Kernel(),
                new WidenedFloatInt8Kernel(new ScalarFloatKernel())}) {
                DynamicQuantizedLinear layer = new DynamicQuantizedLinear(q, b, engine, kernel);
                for (int i = 0; i < 30_000; i++) {
                    layer.project(x, 1 + i % 5, y);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    layer.project(x, 1 + i % 5, y);
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.printf("%s on %s: %d bytes allocated in 10,000 warm calls%n", engine, kernel.name(),
                        allocated);
                assertTrue(allocated < 10_000, engine + " on " + kernel.name() + " allocated " + allocated
                        + " bytes in 10,000 calls");
            }
        }
    }
}
