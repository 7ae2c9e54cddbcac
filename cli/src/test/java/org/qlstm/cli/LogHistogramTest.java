package org.qlstm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The log-scale |error| bins of the report's histograms. */
class LogHistogramTest {

    @Test
    void zerosGetTheirOwnBinAndDecadesAreHalfOpen() {
        LogHistogram h = LogHistogram.of(new double[] {0, 0, 1e-7, 9.99e-7, 1e-6, 0.5e-3});
        assertEquals(List.of("0", "1e-7–1e-6", "1e-6–1e-5", "1e-5–1e-4", "1e-4–1e-3"), h.labels());
        assertArrayEquals(new long[] {2, 2, 1, 0, 1}, h.counts());
        assertEquals(6, h.total());
        assertEquals(2, h.zeros());
        assertEquals(0.5e-3, h.max(), 0.0);
    }

    @Test
    void everyValueLandsInTheDecadeThatHoldsIt() {
        SplittableRandom random = new SplittableRandom(20261128);
        double[] values = new double[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 10 == 0 ? Math.pow(10, random.nextInt(-9, 1)) : Math.pow(10, random.nextDouble(-9, 1));
        }
        LogHistogram h = LogHistogram.of(values);
        long[] expected = new long[h.counts().length];
        int lowest = Integer.parseInt(h.labels().get(0).substring(2, h.labels().get(0).indexOf('–')));
        for (double v : values) {
            int d = lowest;
            while (v >= Math.pow(10, d + 1)) {
                d++;
            }
            expected[d - lowest]++;
        }
        assertArrayEquals(expected, h.counts());
    }

    @Test
    void rmsIsTheRootMeanSquare() {
        assertEquals(Math.sqrt((9 + 16) / 2.0), LogHistogram.of(new double[] {3, 4}).rms(), 1e-15);
    }

    @Test
    void allZerosIsOneBinAndNegativesAreRejected() {
        assertEquals(List.of("0"), LogHistogram.of(new double[] {0, 0}).labels());
        assertThrows(IllegalArgumentException.class, () -> LogHistogram.of(new double[] {-1e-9}));
        assertThrows(IllegalArgumentException.class, () -> LogHistogram.of(new double[] {Double.NaN}));
    }
}
