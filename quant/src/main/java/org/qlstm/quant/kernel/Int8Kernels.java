package org.qlstm.quant.kernel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the int8 kernel. By default the {@link Int8KernelProvider}s on the class path are asked first (the native
 * kernel of {@code qlstm-native}, when this Java, the library and the CPU allow it); otherwise the pure-Java kernel
 * {@value #PURE_DEFAULT} ({@link VectorInt8Kernel}: one byte per weight, widened in-register) runs. The system
 * property {@value #PROPERTY} forces one: {@code vector}, {@code vector-float} / {@code vector-int} (the same kernel
 * with its float or integer inner loops forced), {@code widened} ({@link WidenedFloatInt8Kernel} on the preferred
 * float kernel: four bytes per weight), {@code scalar} ({@link ScalarInt8Kernel}, the reference) or a provider's name
 * such as {@code native} (an error if it is unavailable). Every kernel gives the same accumulators; the choice is
 * logged once per JVM, one line at INFO, naming the kernel and why.
 */
public final class Int8Kernels {

    /** System property selecting the int8 kernel. */
    public static final String PROPERTY = "qlstm.int8.kernel";

    /** The pure-Java kernel used when no provider offers one. */
    public static final String PURE_DEFAULT = "vector";

    private static final System.Logger LOG = System.getLogger(Int8Kernels.class.getName());

    private static volatile Selection preferred;

    private Int8Kernels() {
    }

    /**
     * The kernel chosen for this JVM (chosen, and logged, on first use).
     *
     * @throws IllegalStateException if {@value #PROPERTY} names a provider that cannot run here
     */
    public static Int8Kernel preferred() {
        Selection s = preferred;
        if (s == null) {
            synchronized (Int8Kernels.class) {
                s = preferred;
                if (s == null) {
                    s = select(System.getProperty(PROPERTY), loadProviders());
                    LOG.log(System.Logger.Level.INFO, s.logLine());
                    preferred = s;
                }
            }
        }
        return s.kernel();
    }

    /** The built-in (pure-Java) kernel with the given name (case-insensitive). */
    public static Int8Kernel choose(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "scalar" -> new ScalarInt8Kernel();
            case "widened" -> new WidenedFloatInt8Kernel();
            case "vector" -> new VectorInt8Kernel();
            case "vector-float" -> new VectorInt8Kernel(VectorInt8Kernel.Loops.FLOAT);
            case "vector-int" -> new VectorInt8Kernel(VectorInt8Kernel.Loops.INT);
            default -> throw new IllegalArgumentException(
                    "unknown int8 kernel '" + name + "'; valid kernels: vector, vector-float, vector-int, widened, "
                            + "scalar, or a provider's (native)");
        };
    }

    /**
     * The kernel that runs and why.
     *
     * @param kernel the kernel
     * @param reason why it runs, for the log line
     */
    public record Selection(Int8Kernel kernel, String reason) {

        /** The one line logged for this selection. */
        public String logLine() {
            return "int8 kernel: " + kernel.name() + " (" + reason + ")";
        }
    }

    /**
     * Chooses for {@code requested} (the value of {@value #PROPERTY}; null, blank or {@code auto} for the default)
     * among {@code providers}, asked in order.
     *
     * @throws IllegalStateException    if {@code requested} names a provider that offers no kernel
     * @throws IllegalArgumentException if {@code requested} names no kernel
     */
    public static Selection select(String requested, List<Int8KernelProvider> providers) {
        String name = requested == null ? "auto" : requested.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("auto")) {
            List<String> missing = new ArrayList<>();
            for (Int8KernelProvider provider : providers) {
                Int8KernelProvider.Offer offer = safeOffer(provider);
                if (offer.available()) {
                    return new Selection(offer.kernel(), offer.reason());
                }
                missing.add(provider.name() + " unavailable: " + offer.reason());
            }
            String why = missing.isEmpty() ? "no native kernel on the class path" : String.join("; ", missing);
            return new Selection(choose(PURE_DEFAULT), "pure Java; " + why);
        }
        for (Int8KernelProvider provider : providers) {
            if (provider.name().equalsIgnoreCase(name)) {
                Int8KernelProvider.Offer offer = safeOffer(provider);
                if (!offer.available()) {
                    throw new IllegalStateException("int8 kernel '" + requested + "' (system property " + PROPERTY
                            + ") is unavailable: " + offer.reason());
                }
                return new Selection(offer.kernel(), offer.reason() + "; set by " + PROPERTY);
            }
        }
        if (name.equals("native")) {
            throw new IllegalStateException("int8 kernel 'native' (system property " + PROPERTY
                    + ") is unavailable: " + failedProviders(providers));
        }
        return new Selection(choose(name), "pure Java; set by " + PROPERTY);
    }

    private static String failedProviders(List<Int8KernelProvider> providers) {
        List<String> reasons = new ArrayList<>();
        for (Int8KernelProvider p : providers) {
            reasons.add(p.name() + ": " + safeOffer(p).reason());
        }
        return reasons.isEmpty() ? "qlstm-native is not on the class path" : String.join("; ", reasons);
    }

    private static Int8KernelProvider.Offer safeOffer(Int8KernelProvider provider) {
        try {
            return provider.offer();
        } catch (RuntimeException | LinkageError e) {
            return Int8KernelProvider.Offer.unavailable("failed to load: " + e);
        }
    }

    /**
     * The providers on the class path. One that cannot even be loaded (its classes need a newer Java, a broken
     * service file) becomes an unavailable provider named {@code native} with the reason, rather than an error.
     */
    static List<Int8KernelProvider> loadProviders() {
        List<Int8KernelProvider> providers = new ArrayList<>();
        Iterator<Int8KernelProvider> it =
                ServiceLoader.load(Int8KernelProvider.class, Int8Kernels.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                providers.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                providers.add(unloadable(e));
                break;
            }
        }
        return providers;
    }

    /** A provider standing for one that failed to load with {@code error}. */
    static Int8KernelProvider unloadable(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root instanceof UnsupportedClassVersionError
                ? "needs Java 22 or newer, this is Java " + Runtime.version().feature()
                : "could not be loaded: " + root;
        return new Int8KernelProvider() {
            @Override
            public String name() {
                return "native";
            }

            @Override
            public Offer offer() {
                return Offer.unavailable(reason);
            }
        };
    }

    /**
     * Compiles the default int8 kernel's vector paths ({@link VectorInt8Kernel#warmUp()}) by running them on tiny
     * inputs; a model loader calls it once, in the background while it reads the weights. Safe to call more than
     * once and from any thread.
     *
     * @return the nanoseconds it took
     */
    public static long warmUp() {
        return VectorInt8Kernel.warmUp();
    }

    /** Checks the arguments of {@link Int8Matrix#multiply} (shared by every kernel). */
    public static void checkArguments(Int8Matrix m, byte[] xq, int rows, int zeroPoint, int[] acc) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        if (zeroPoint < 0 || zeroPoint > 255) {
            throw new IllegalArgumentException("activation zero point " + zeroPoint + " is outside 0..255");
        }
        if ((long) rows * m.inputs() > xq.length) {
            throw new IllegalArgumentException(rows + " rows of " + m.inputs() + " activations need "
                    + (long) rows * m.inputs() + " values, got " + xq.length);
        }
        if ((long) rows * m.outputs() > acc.length) {
            throw new IllegalArgumentException(rows + " rows of " + m.outputs() + " accumulators need "
                    + (long) rows * m.outputs() + " values, got " + acc.length);
        }
    }
}
