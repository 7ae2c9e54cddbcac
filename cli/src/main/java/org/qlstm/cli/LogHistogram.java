package org.qlstm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A histogram of non-negative errors on log-scale bins, one per decade {@code [10^k, 10^(k+1))}, plus a bin for
 * exact zeros (bit-identical results are common in int8 and worth seeing apart).
 *
 * @param labels bin labels, the zero bin first when there are zeros
 * @param counts values per bin
 * @param total  number of values
 * @param zeros  values that are exactly 0
 * @param max    the largest value
 * @param rms    root mean square of the values
 */
record LogHistogram(List<String> labels, long[] counts, long total, long zeros, double max, double rms) {

    /** Decades below this are lumped into the lowest bin (float32 differences never go this low but for 0). */
    private static final int LOWEST_DECADE = -12;

    /** Bins {@code values}, which must be finite and non-negative. */
    static LogHistogram of(double[] values) {
        long zeros = 0;
        double max = 0;
        double sumSquares = 0;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (double v : values) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("an error must be finite and non-negative, got " + v);
            }
            sumSquares += v * v;
            max = Math.max(max, v);
            if (v == 0) {
                zeros++;
            } else {
                int d = decade(v);
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        List<String> labels = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        if (zeros > 0 || lo > hi) {
            labels.add("0");
            counts.add(zeros);
        }
        if (lo <= hi) {
            long[] perDecade = new long[hi - lo + 1];
            for (double v : values) {
                if (v > 0) {
                    perDecade[decade(v) - lo]++;
                }
            }
            for (int d = lo; d <= hi; d++) {
                labels.add(String.format(Locale.ROOT, "1e%d–1e%d", d, d + 1));
                counts.add(perDecade[d - lo]);
            }
        }
        double rms = values.length == 0 ? 0 : Math.sqrt(sumSquares / values.length);
        return new LogHistogram(List.copyOf(labels), counts.stream().mapToLong(Long::longValue).toArray(),
                values.length, zeros, max, rms);
    }

    private static int decade(double v) {
        int d = (int) Math.floor(Math.log10(v));
        // log10 can land one off at exact powers of ten; fix it so 10^d <= v < 10^(d+1) holds.
        if (Math.pow(10, d) > v) {
            d--;
        } else if (Math.pow(10, d + 1) <= v) {
            d++;
        }
        return Math.max(d, LOWEST_DECADE);
    }
}
