package org.qlstm.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;
import org.qlstm.quant.QuantizedWeight;

/** How {@link Int8Kernels#select} chooses between providers and the pure-Java kernels, and what it logs. */
class Int8KernelsSelectionTest {

    private static final Int8Kernel FAST = new Int8Kernel() {
        @Override
        public String name() {
            return "fast";
        }

        @Override
        public Int8Matrix prepare(QuantizedWeight weight) {
            throw new UnsupportedOperationException();
        }
    };

    private static Int8KernelProvider provider(String name, Int8KernelProvider.Offer offer) {
        return new Int8KernelProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Offer offer() {
                return offer;
            }
        };
    }

    private static final Int8KernelProvider AVAILABLE = provider("native", Int8KernelProvider.Offer.of(FAST, "vnni"));
    private static final Int8KernelProvider MISSING =
            provider("native", Int8KernelProvider.Offer.unavailable("no library at /x.so"));

    @Test
    void anAvailableProviderWinsByDefault() {
        for (String requested : new String[] {null, "", "auto", " AUTO "}) {
            Int8Kernels.Selection s = Int8Kernels.select(requested, List.of(MISSING, AVAILABLE));
            assertSame(FAST, s.kernel());
            assertEquals("int8 kernel: fast (vnni)", s.logLine());
        }
    }

    @Test
    void withoutProvidersThePureJavaDefaultRunsAndTheLineSaysWhy() {
        Int8Kernels.Selection none = Int8Kernels.select(null, List.of());
        assertEquals(Int8Kernels.choose(Int8Kernels.PURE_DEFAULT).name(), none.kernel().name());
        assertTrue(none.logLine().contains("pure Java; no native kernel on the class path"), none.logLine());

        Int8Kernels.Selection missing = Int8Kernels.select(null, List.of(MISSING));
        assertEquals(Int8Kernels.choose(Int8Kernels.PURE_DEFAULT).name(), missing.kernel().name());
        assertTrue(missing.logLine().contains("native unavailable: no library at /x.so"), missing.logLine());
        assertFalse(missing.logLine().contains("\n"), "one line");
    }

    @Test
    void aProviderThatThrowsIsUnavailableNotFatal() {
        Int8KernelProvider broken = new Int8KernelProvider() {
            @Override
            public String name() {
                return "native";
            }

            @Override
            public Offer offer() {
                throw new UnsatisfiedLinkError("boom");
            }
        };
        Int8Kernels.Selection s = Int8Kernels.select(null, List.of(broken));
        assertTrue(s.logLine().contains("native unavailable: failed to load"), s.logLine());
    }

    @Test
    void aProviderBuiltForANewerJavaFallsBack() {
        // What ServiceLoader throws on Java 21 for qlstm-native's classes (class file version 66).
        Int8KernelProvider unloadable = Int8Kernels.unloadable(new ServiceConfigurationError(
                "Provider org.qlstm.ffm.NativeInt8KernelProvider could not be instantiated",
                new UnsupportedClassVersionError("class file version 66.0")));
        Int8Kernels.Selection s = Int8Kernels.select(null, List.of(unloadable));
        assertEquals(Int8Kernels.choose(Int8Kernels.PURE_DEFAULT).name(), s.kernel().name());
        assertTrue(s.logLine().contains("native unavailable: needs Java 22 or newer"), s.logLine());
    }

    @Test
    void forcingAProviderUsesItOrFailsClearly() {
        Int8Kernels.Selection s = Int8Kernels.select("native", List.of(AVAILABLE));
        assertSame(FAST, s.kernel());
        assertTrue(s.reason().contains(Int8Kernels.PROPERTY), s.reason());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Int8Kernels.select("native", List.of(MISSING)));
        assertTrue(e.getMessage().contains("no library at /x.so"), e.getMessage());
        IllegalStateException absent = assertThrows(IllegalStateException.class,
                () -> Int8Kernels.select("native", List.of()));
        assertTrue(absent.getMessage().contains("qlstm-native is not on the class path"), absent.getMessage());
    }

    @Test
    void forcingAPureKernelSkipsTheProviders() {
        assertEquals("scalar", Int8Kernels.select("scalar", List.of(AVAILABLE)).kernel().name());
        assertThrows(IllegalArgumentException.class, () -> Int8Kernels.select("nope", List.of(AVAILABLE)));
    }
}
