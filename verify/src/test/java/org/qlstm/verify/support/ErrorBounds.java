package org.qlstm.verify.support;

/**
 * Forward error bounds of float32 arithmetic, so tolerances are derived rather than guessed.
 *
 * <p>A float32 dot product of K terms plus a bias, summed in any order, differs from the exact value by at most
 * {@code γ_K·(Σ|x_k·w_k| + |b|)} with {@code γ_K = K·u/(1 − K·u)}, {@code u = 2⁻²⁴} (Higham, Accuracy and Stability
 * of Numerical Algorithms, §3.1; K+1 additions and K products). Two implementations that each meet it differ by at
 * most twice that.
 */
public final class ErrorBounds {

    /** Unit roundoff of float32. */
    public static final double U = 0x1p-24;

    private ErrorBounds() {
    }

    /** {@code γ_n = n·u / (1 − n·u)}. */
    public static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * Per output, twice the dot-product bound of {@code y[r][j] = b[j] + Σ x[r][k]·W[j][k]}: the largest gap between
     * two float32 implementations given the same inputs.
     */
    public static double[] twoImplementationsLinear(float[] x, int rows, float[] w, float[] b, int out, int in) {
        double gamma = gamma(in + 1);
        double[] bound = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double magnitude = Math.abs(b[j]);
                for (int k = 0; k < in; k++) {
                    magnitude += Math.abs((double) x[r * in + k] * w[j * in + k]);
                }
                bound[r * out + j] = 2 * gamma * magnitude;
            }
        }
        return bound;
    }

    /** Per output, {@code Σ_k |W[j][k]|·|Δx[r][k]|}: how far an input difference {@code Δx} can move a linear map. */
    public static double[] propagated(double[] deltaX, int rows, float[] w, int out, int in) {
        double[] bound = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int k = 0; k < in; k++) {
                    s += Math.abs(w[j * in + k]) * deltaX[r * in + k];
                }
                bound[r * out + j] = s;
            }
        }
        return bound;
    }
}
