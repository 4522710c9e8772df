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

    /**
     * Runs tasks side by side, each native op on one thread: task 0 on the calling thread, the others on
     * {@code pool} (at least {@code tasks.size() − 1} threads). For work made of many small ops (a mask sample, a
     * part of a batch), two such passes at once beat one pass whose every op is split over two threads. The thread
     * settings are restored afterwards; the first failure is rethrown once every task has ended.
     */
    public static void sideBySide(java.util.List<Runnable> tasks, java.util.concurrent.ExecutorService pool) {
        var env = Nd4j.getEnvironment();
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int maxThreads = env.maxThreads(), masterThreads = env.maxMasterThreads(), omp = ops.ompGetMaxThreads();
        env.setMaxThreads(1);
        env.setMaxMasterThreads(1);
        ops.setOmpNumThreads(1);
        try {
            java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (Runnable t : tasks.subList(1, tasks.size()))
                running.add(pool.submit(() -> {
                    ops.setOmpNumThreads(1);          // OpenMP's thread count belongs to the calling thread
                    t.run();
                }));
            RuntimeException failure = null;
            try {
                tasks.get(0).run();
            } catch (RuntimeException e) {
                failure = e;
            }
            for (var f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure == null) failure = new RuntimeException("interrupted while waiting for a task", e);
                }
            }
            if (failure != null) throw failure;
        } finally {
            env.setMaxThreads(maxThreads);
            env.setMaxMasterThreads(masterThreads);
            ops.setOmpNumThreads(omp);
        }
    }

    /** A pool of {@code n} daemon threads for {@link #sideBySide}. */
    public static java.util.concurrent.ExecutorService pool(int n, String name) {
        return java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, n), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stops a {@link #pool} and waits (up to 10 s) until its threads have ended, so that the models they ran can hand
     * their sessions to the next thread (see {@code BufferPool}).
     */
    public static void shutDown(java.util.concurrent.ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
