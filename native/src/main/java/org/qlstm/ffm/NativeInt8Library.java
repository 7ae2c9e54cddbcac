package org.qlstm.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The loaded {@code libqlstm_int8.so} (built from {@code src/main/c/qlstm_int8.c} by the Maven build and shipped in
 * the jar): its CPU check and its two GEMM entry points as method handles.
 */
public final class NativeInt8Library {

    /** Where the build puts the library inside the jar. */
    public static final String RESOURCE = "/native/linux-x86_64/libqlstm_int8.so";

    private static final FunctionDescriptor GEMM = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);

    private final String source;
    private final int features;
    private final MethodHandle vnni;
    private final MethodHandle avx2;

    private NativeInt8Library(SymbolLookup lookup, String source) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle cpu = linker.downcallHandle(find(lookup, "qlstm_cpu_features"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        this.features = (int) cpu.invokeExact();
        // critical(true): no thread-state transition (~6 ns a call) and heap arrays (the int[] accumulators) passed
        // directly; the kernels neither block nor call back into Java.
        Linker.Option critical = Linker.Option.critical(true);
        this.vnni = linker.downcallHandle(find(lookup, "qlstm_vnni_gemm"), GEMM, critical);
        this.avx2 = linker.downcallHandle(find(lookup, "qlstm_avx2_gemm"), GEMM, critical);
        this.source = source;
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " not found"));
    }

    /**
     * Loads the library shipped in the jar: copied to a temporary file, loaded, and the file deleted (the loaded
     * mapping stays valid).
     *
     * @throws UnavailableException if this platform has no library or the jar was built without one
     */
    public static NativeInt8Library loadBundled() throws UnavailableException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnavailableException("no native library for " + os + "/" + arch + " (only linux-x86_64)");
        }
        Path temp = null;
        try (InputStream in = NativeInt8Library.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnavailableException("the jar has no " + RESOURCE.substring(1)
                        + " (built without a C compiler)");
            }
            temp = Files.createTempFile("libqlstm_int8", ".so");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            return load(temp, "libqlstm_int8.so");
        } catch (IOException e) {
            throw new UnavailableException("cannot extract " + RESOURCE.substring(1) + ": " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    /**
     * Loads the library at {@code file}.
     *
     * @throws UnavailableException if it is missing or cannot be loaded
     */
    public static NativeInt8Library load(Path file, String source) throws UnavailableException {
        if (!Files.isRegularFile(file)) {
            throw new UnavailableException("no library at " + file);
        }
        try {
            return new NativeInt8Library(SymbolLookup.libraryLookup(file, Arena.global()), source);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError v) {
                throw v;
            }
            throw new UnavailableException("cannot load " + file + ": " + e);
        }
    }

    /** Whether this CPU (and OS) supports {@code isa}. */
    public boolean supports(Isa isa) {
        return isa.supportedBy(features);
    }

    /** Where the library came from, for the log line. */
    public String source() {
        return source;
    }

    MethodHandle gemm(Isa isa) {
        return isa == Isa.VNNI ? vnni : avx2;
    }

    /** The native kernel cannot run here; the message says why. */
    public static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        /** With the reason. */
        public UnavailableException(String reason) {
            super(reason);
        }
    }
}
