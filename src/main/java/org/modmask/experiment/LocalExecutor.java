package org.modmask.experiment;

import org.modmask.Threads;
import org.modmask.train.Progress;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sweep on this machine, {@code concurrent} runs at a time, the cores split between them: each run's native
 * ops use {@code cores / concurrent} threads (small models train faster side by side on one thread each than one
 * after another on all cores). Shows runs done, running, failed and the time left as a progress bar.
 */
public final class LocalExecutor implements SweepExecutor {
    private final int concurrent, threadsPerRun;

    private LocalExecutor(int concurrent, int threadsPerRun) {
        this.concurrent = concurrent;
        this.threadsPerRun = threadsPerRun;
    }

    /** One run per core, one native thread each. */
    public static LocalExecutor of() {
        return of(Runtime.getRuntime().availableProcessors());
    }

    /** {@code concurrent} runs at a time, the cores shared out between them (at least one thread each). */
    public static LocalExecutor of(int concurrent) {
        if (concurrent < 1) throw new IllegalArgumentException("concurrent runs must be at least 1, got " + concurrent);
        return new LocalExecutor(concurrent, Math.max(1, Runtime.getRuntime().availableProcessors() / concurrent));
    }

    public int concurrent() {
        return concurrent;
    }

    public int threadsPerRun() {
        return threadsPerRun;
    }

    @Override
    public void execute(List<SweepRun> runs, Path root) throws Exception {
        List<SweepRun> todo = runs.stream().filter(r -> !SweepResults.done(root, r)).toList();
        int before = Threads.current();
        Threads.use(threadsPerRun);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrent, Math.max(1, todo.size())));
        AtomicInteger done = new AtomicInteger(runs.size() - todo.size()), running = new AtomicInteger(), failed = new AtomicInteger();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        String name = runs.isEmpty() ? "sweep" : runs.get(0).sweep();
        try (Progress bar = Progress.Factory.start("sweep " + name + " (" + concurrent + " at a time, " + threadsPerRun + " threads each)", runs.size(), "run")) {
            bar.update(done.get(), figures(running, failed));
            List<Future<?>> futures = new ArrayList<>();
            for (SweepRun r : todo)
                futures.add(pool.submit(() -> {
                    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threadsPerRun);   // OpenMP's count is per thread
                    running.incrementAndGet();
                    bar.update(done.get(), figures(running, failed));
                    try {
                        SweepResults.execute(root, r);
                        done.incrementAndGet();
                    } catch (Throwable e) {
                        failed.incrementAndGet();
                        failures.put(r.id(), e);
                    } finally {
                        running.decrementAndGet();
                        bar.update(done.get(), figures(running, failed));
                    }
                }));
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
            Threads.use(before);
        }
        if (!failures.isEmpty()) {
            var first = failures.entrySet().iterator().next();
            var e = new IllegalStateException(failures.size() + " of " + runs.size() + " runs of sweep '" + name + "' failed (first: "
                    + first.getKey() + ": " + first.getValue() + "); the others are saved: run the sweep again to retry", first.getValue());
            throw e;
        }
    }

    private static Map<String, Double> figures(AtomicInteger running, AtomicInteger failed) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("running", (double) running.get());
        m.put("failed", (double) failed.get());
        return m;
    }
}
