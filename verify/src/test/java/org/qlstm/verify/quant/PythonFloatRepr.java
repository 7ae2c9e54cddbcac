package org.qlstm.verify.quant;

import java.math.BigDecimal;

/**
 * Python's {@code repr(float)}: the shortest decimal that reads back as the same double (Java's
 * {@link Double#toString} finds the same digits since JDK 19), laid out as Python does: positional when the decimal
 * exponent is in [−4, 16), else {@code d.ddde±XX}; a positional integer value keeps a {@code .0}.
 */
final class PythonFloatRepr {

    private PythonFloatRepr() {
    }

    static String repr(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0 ? "-" : "") + "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        // value = 0.digits × 10^decpt
        int decpt = digits.length() - d.scale();
        String sign = v < 0 ? "-" : "";
        if (decpt > -4 && decpt <= 16) {
            String body;
            if (decpt <= 0) {
                body = "0." + "0".repeat(-decpt) + digits;
            } else if (decpt >= digits.length()) {
                body = digits + "0".repeat(decpt - digits.length()) + ".0";
            } else {
                body = digits.substring(0, decpt) + "." + digits.substring(decpt);
            }
            return sign + body;
        }
        int exponent = decpt - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
