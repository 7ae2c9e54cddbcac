package org.qlstm.verify.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The repr of the goldens' header lines, checked on the layouts Python uses. */
class PythonFloatReprTest {

    @Test
    void matchesPython() {
        assertEquals("0.007843137718737125", PythonFloatRepr.repr((double) 0.007843137718737125f));
        assertEquals("0.1", PythonFloatRepr.repr(0.1));
        assertEquals("1.0", PythonFloatRepr.repr(1.0));
        assertEquals("-2.5", PythonFloatRepr.repr(-2.5));
        assertEquals("0.0001", PythonFloatRepr.repr(1e-4));
        assertEquals("1e-05", PythonFloatRepr.repr(1e-5));
        assertEquals("1.1920928955078125e-07", PythonFloatRepr.repr(0x1p-23));
        assertEquals("6.0999998822808266e-05", PythonFloatRepr.repr((double) 6.1e-5f));
        assertEquals("1000000000000000.0", PythonFloatRepr.repr(1e15));
        assertEquals("1e+16", PythonFloatRepr.repr(1e16));
        assertEquals("1.5e+300", PythonFloatRepr.repr(1.5e300));
        assertEquals("123.456", PythonFloatRepr.repr(123.456));
        assertEquals("0.0", PythonFloatRepr.repr(0.0));
        assertEquals("-0.0", PythonFloatRepr.repr(-0.0));
    }
}
