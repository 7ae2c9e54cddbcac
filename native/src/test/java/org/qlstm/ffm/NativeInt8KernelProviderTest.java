package org.qlstm.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.qlstm.quant.kernel.Int8KernelProvider;
import org.qlstm.quant.kernel.Int8Kernels;

/** Discovery through ServiceLoader, the ISA choice, and the fallback to pure Java when the library cannot load. */
class NativeInt8KernelProviderTest {

    private static NativeInt8Library bundledOrSkip() {
        try {
            return NativeInt8Library.loadBundled();
        } catch (NativeInt8Library.UnavailableException e) {
            Assumptions.abort("no native library: " + e.getMessage());
            return null;
        }
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        List<String> names = new ArrayList<>();
        for (Int8KernelProvider p : ServiceLoader.load(Int8KernelProvider.class)) {
            names.add(p.getClass().getName());
        }
        assertEquals(List.of(NativeInt8KernelProvider.class.getName()), names);
    }

    @Test
    void choosesVnniWhenTheCpuHasItAndAvx2WhenForced() {
        NativeInt8Library lib = bundledOrSkip();
        NativeInt8KernelProvider provider = new NativeInt8KernelProvider(() -> lib);
        Int8KernelProvider.Offer auto = provider.offer();
        assertTrue(auto.available(), auto.reason());
        assertEquals(lib.supports(Isa.VNNI) ? "native-vnni" : "native-avx2", auto.kernel().name());

        String old = System.getProperty(NativeInt8KernelProvider.ISA_PROPERTY);
        try {
            System.setProperty(NativeInt8KernelProvider.ISA_PROPERTY, "avx2");
            Int8KernelProvider.Offer forced = provider.offer();
            Assumptions.assumeTrue(lib.supports(Isa.AVX2), "this CPU lacks AVX2");
            assertEquals("native-avx2", forced.kernel().name());
            assertTrue(forced.reason().contains("forced"), forced.reason());
            System.setProperty(NativeInt8KernelProvider.ISA_PROPERTY, "sse");
            assertFalse(provider.offer().available());
        } finally {
            if (old == null) {
                System.clearProperty(NativeInt8KernelProvider.ISA_PROPERTY);
            } else {
                System.setProperty(NativeInt8KernelProvider.ISA_PROPERTY, old);
            }
        }
    }

    @Test
    void aMissingLibraryFallsBackToPureJavaWithTheReason() {
        NativeInt8Library.UnavailableException e = assertThrows(NativeInt8Library.UnavailableException.class,
                () -> NativeInt8Library.load(Path.of("/nonexistent/libqlstm_int8.so"), "test"));
        NativeInt8KernelProvider provider = new NativeInt8KernelProvider(() -> {
            throw new IllegalStateException(e.getMessage());
        });
        Int8KernelProvider.Offer offer = provider.offer();
        assertFalse(offer.available());

        Int8Kernels.Selection s = Int8Kernels.select(null, List.of(provider));
        assertEquals(Int8Kernels.choose(Int8Kernels.PURE_DEFAULT).name(), s.kernel().name());
        assertTrue(s.logLine().contains("pure Java; native unavailable: no library at /nonexistent"), s.logLine());
        IllegalStateException forced = assertThrows(IllegalStateException.class,
                () -> Int8Kernels.select("native", List.of(provider)));
        assertTrue(forced.getMessage().contains("no library at"), forced.getMessage());
    }

    /**
     * The only test in this module that calls {@link Int8Kernels#preferred()}: its first call logs. With the library
     * the native kernel runs; without it (built with no C compiler) the pure-Java one, and the line says why.
     */
    @Test
    void preferredLogsExactlyOneLineNamingThePath() {
        NativeInt8Library lib;
        try {
            lib = NativeInt8Library.loadBundled();
        } catch (NativeInt8Library.UnavailableException e) {
            lib = null;
        }
        Logger logger = Logger.getLogger(Int8Kernels.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            String first = Int8Kernels.preferred().name();
            String second = Int8Kernels.preferred().name();
            assertEquals(first, second);
            String expected = lib == null ? Int8Kernels.choose(Int8Kernels.PURE_DEFAULT).name()
                    : lib.supports(Isa.VNNI) ? "native-vnni" : "native-avx2";
            assertEquals(expected, first);
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, records.size(), "one log record per JVM");
        String line = records.get(0).getMessage();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.startsWith(lib == null ? "int8 kernel: " : "int8 kernel: native-"), line);
        if (lib == null) {
            assertTrue(line.contains("pure Java; native unavailable: the jar has no"), line);
        }
    }
}
