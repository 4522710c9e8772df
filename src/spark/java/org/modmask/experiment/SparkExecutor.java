package org.modmask.experiment;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.modmask.Threads;
import org.modmask.train.Progress;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a sweep as Apache Spark tasks, one run per task: on {@code local[N]} (N runs side by side in this JVM) or on a
 * standalone cluster ({@code spark://host:7077}). Each task's native ops use {@code spark.task.cpus} threads. The
 * results root is either the path {@link #execute} is given, which every worker must see (a shared file system), or a
 * Hadoop file system URI ({@link #sharedRoot}: {@code hdfs://...}, {@code s3a://...}), where each task copies its run's
 * checkpoints every {@link #syncEvery} seconds and the driver fetches the result files back into the local root for
 * the merge. A task that fails or whose executor dies is retried by Spark (up to {@code spark.task.maxFailures}, 4)
 * and resumes from the checkpoints its run left in the root.
 * Built with {@code -Pspark} only, so that the notebook kernel's classpath carries no Spark.
 */
public final class SparkExecutor implements SweepExecutor {
    private final String master;
    private int taskCpus = 1;
    private final java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();
    private String shared;
    private long syncSeconds = 60;

    private SparkExecutor(String master) {
        this.master = master;
    }

    /** {@code local[2]}, {@code spark://host:7077}, ... */
    public static SparkExecutor of(String master) {
        if (master == null || !(master.startsWith("local") || master.startsWith("spark://")))
            throw new IllegalArgumentException("Spark master '" + master + "': expected local[N] or spark://host:port");
        return new SparkExecutor(master);
    }

    /** Cores (and native threads) per run (default 1). */
    public SparkExecutor taskCpus(int n) {
        if (n < 1) throw new IllegalArgumentException("cores per task must be at least 1, got " + n);
        taskCpus = n;
        return this;
    }

    /** Any other Spark setting (e.g. {@code spark.executor.memory}, {@code spark.executor.extraClassPath}). */
    public SparkExecutor conf(String key, String value) {
        extra.put(key, value);
        return this;
    }

    /**
     * Keeps the runs' folders on a Hadoop file system that every worker reaches ({@code hdfs://namenode/modmask},
     * {@code s3a://bucket/sweeps}; its client settings come from the usual {@code HADOOP_CONF_DIR}). The tasks then work
     * in a local folder ({@code java.io.tmpdir}) and copy it there; the root given to {@link #execute} only receives the
     * result files, for the merge.
     */
    public SparkExecutor sharedRoot(String hadoopUri) {
        HadoopRoot checked = new HadoopRoot(hadoopUri);
        shared = checked.uri();
        return this;
    }

    /** How often a task copies its checkpoints to the {@link #sharedRoot} (default 60 s; also at its end). */
    public SparkExecutor syncEvery(long seconds) {
        if (seconds < 1) throw new IllegalArgumentException("sync interval must be at least 1 s, got " + seconds);
        syncSeconds = seconds;
        return this;
    }

    @Override
    public void execute(List<SweepRun> runs, Path root) throws Exception {
        HadoopRoot hadoop = shared == null ? null : new HadoopRoot(shared);
        java.util.function.Predicate<SweepRun> done = r -> {
            try {
                return hadoop == null ? SweepResults.done(root, r) : hadoop.done(r);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<SweepRun> todo = runs.stream().filter(done.negate()).toList();
        try {
            if (!todo.isEmpty()) run(todo, runs, root, done);
        } finally {
            if (hadoop != null) {
                try (hadoop) {
                    for (SweepRun r : runs) hadoop.pullResult(r, root);
                }
            }
        }
    }

    private void run(List<SweepRun> todo, List<SweepRun> runs, Path root, java.util.function.Predicate<SweepRun> done) throws Exception {
        // local[N] runs no retries unless asked: local[N, F] lets a failed task be retried as on a cluster
        String m = master.matches("local\\[(\\d+|\\*)]") ? master.replace("]", ",4]") : master;
        SparkConf conf = new SparkConf().setAppName("modmask sweep " + todo.get(0).sweep()).setMaster(m)
                .set("spark.task.cpus", Integer.toString(taskCpus)).set("spark.task.maxFailures", "4")
                .set("spark.ui.enabled", "false").set("spark.driver.host", System.getProperty("spark.driver.host", "127.0.0.1"));
        extra.forEach(conf::set);
        String rootText = root.toAbsolutePath().toString();
        int threads = taskCpus;
        String sharedUri = shared;
        long every = syncSeconds;
        // progress from the results the workers write: runs done, and the time left at the rate so far
        var finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watch = new Thread(() -> {
            try (Progress bar = Progress.Factory.start("sweep " + todo.get(0).sweep() + " on " + master, runs.size(), "run")) {
                while (!finished.get()) {
                    bar.update(runs.stream().filter(done).count(), java.util.Map.of());
                    Thread.sleep(2_000);
                }
                bar.update(runs.stream().filter(done).count(), java.util.Map.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sweep progress");
        watch.setDaemon(true);
        watch.start();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            sc.parallelize(todo, todo.size()).foreach(r -> {
                Threads.use(threads);
                if (sharedUri == null) SweepResults.execute(Path.of(rootText), r);
                else try (HadoopRoot h = new HadoopRoot(sharedUri)) {
                    h.execute(r, Path.of(System.getProperty("java.io.tmpdir"), "modmask-sweeps"), every);
                }
            });
        } finally {
            finished.set(true);
            watch.join(5_000);
        }
    }
}
