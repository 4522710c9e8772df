package org.modmask;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many CPU threads ND4J's native ops use, set at run time. Large models (the FNNs and CNNs) gain from every
 * core; small recurrent and attention models (SCAN, the Mathematics Dataset at quick sizes) run thousands of tiny
 * ops per step, where waking a second thread for each op costs more than it saves:
 * <pre>{@code
 * Threads.use(1);    // SCAN LSTM 2×128, batch 64: 0.56 s per training step instead of 1.09 with two threads
 * }</pre>
 * The setting holds for the whole process (the notebook's kernel) until changed; {@link #all()} goes back to one
 * thread per core. The same as starting the JVM with {@code OMP_NUM_THREADS=n}.
 */
public final class Threads {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private Threads() {
    }

    /** Native ops use {@code n} threads (OpenMP and ND4J's own pool). */
    public static void use(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        var env = Nd4j.getEnvironment();           // loads the backend, which NativeOpsHolder needs
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
        env.setMaxThreads(n);
        env.setMaxMasterThreads(n);
    }

    /** One thread per core (the default). */
    public static void all() {
        use(CORES);
    }

    /** The number of threads native ops use now. */
    public static int current() {
        Nd4j.getEnvironment();
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }
}
