package org.qlstm.ffm;

import java.util.Locale;
import java.util.function.Supplier;
import org.qlstm.quant.kernel.Int8KernelProvider;

/**
 * Offers {@link NativeInt8Kernel} to {@link org.qlstm.quant.kernel.Int8Kernels} (registered in
 * {@code META-INF/services}). Picks VNNI when the CPU has it, else AVX2; the system property {@value #ISA_PROPERTY}
 * ({@code vnni} or {@code avx2}) forces one.
 */
public final class NativeInt8KernelProvider implements Int8KernelProvider {

    /** System property forcing the instruction set: {@code auto} (default), {@code vnni} or {@code avx2}. */
    public static final String ISA_PROPERTY = "qlstm.native.isa";

    private final Supplier<NativeInt8Library> library;

    /** The provider of the library bundled in the jar (loaded once per JVM, on first offer). */
    public NativeInt8KernelProvider() {
        this(Bundled::get);
    }

    /** A provider of the given library; {@code library} throws {@link IllegalStateException} when unavailable. */
    NativeInt8KernelProvider(Supplier<NativeInt8Library> library) {
        this.library = library;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Offer offer() {
        try {
            NativeInt8Library lib = library.get();
            String requested = System.getProperty(ISA_PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
            Isa isa;
            switch (requested) {
                case "", "auto" -> {
                    if (lib.supports(Isa.VNNI)) {
                        isa = Isa.VNNI;
                    } else if (lib.supports(Isa.AVX2)) {
                        isa = Isa.AVX2;
                    } else {
                        return Offer.unavailable("the CPU has neither AVX-512 VNNI nor AVX2");
                    }
                }
                case "vnni" -> isa = Isa.VNNI;
                case "avx2" -> isa = Isa.AVX2;
                default -> {
                    return Offer.unavailable(ISA_PROPERTY + "=" + requested + " is not one of auto, vnni, avx2");
                }
            }
            if (!lib.supports(isa)) {
                return Offer.unavailable(ISA_PROPERTY + "=" + requested + " but the CPU lacks " + isa.label());
            }
            String how = isa == Isa.VNNI ? "AVX-512 VNNI vpdpbusd" : "AVX2 vpmaddwd";
            String forced = requested.isEmpty() || requested.equals("auto") ? "" : ", forced by " + ISA_PROPERTY;
            return Offer.of(new NativeInt8Kernel(lib, isa), how + " via FFM, " + lib.source() + forced);
        } catch (IllegalStateException e) {
            return Offer.unavailable(e.getMessage());
        }
    }

    /** The bundled library, loaded once; the failure is remembered too. */
    private static final class Bundled {
        private static final Object RESULT = load();

        private static Object load() {
            try {
                return NativeInt8Library.loadBundled();
            } catch (NativeInt8Library.UnavailableException e) {
                return e.getMessage();
            } catch (RuntimeException | LinkageError e) {
                return "cannot load the native library: " + e;
            }
        }

        static NativeInt8Library get() {
            if (RESULT instanceof NativeInt8Library lib) {
                return lib;
            }
            throw new IllegalStateException((String) RESULT);
        }
    }
}
