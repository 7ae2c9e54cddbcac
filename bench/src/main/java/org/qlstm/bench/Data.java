package org.qlstm.bench;

import java.util.SplittableRandom;

/** Deterministic benchmark inputs. */
final class Data {

    private Data() {
    }

    static float[] gaussian(SplittableRandom random, int size, float scale) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            double u = random.nextDouble();
            double v = random.nextDouble();
            values[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
        }
        return values;
    }
}
