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
 * results root must be a path every worker sees (a shared file system); a task that fails or whose executor dies is
 * retried by Spark (up to {@code spark.task.maxFailures}, 4) and resumes from the checkpoints its run left there.
 * Built with {@code -Pspark} only, so that the notebook kernel's classpath carries no Spark.
 */
public final class SparkExecutor implements SweepExecutor {
    private final String master;
    private int taskCpus = 1;
    private final java.util.Map<String, String> extra = new java.util.LinkedHashMap<>();

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

    @Override
    public void execute(List<SweepRun> runs, Path root) throws Exception {
        List<SweepRun> todo = runs.stream().filter(r -> !SweepResults.done(root, r)).toList();
        if (todo.isEmpty()) return;
        // local[N] runs no retries unless asked: local[N, F] lets a failed task be retried as on a cluster
        String m = master.matches("local\\[(\\d+|\\*)]") ? master.replace("]", ",4]") : master;
        SparkConf conf = new SparkConf().setAppName("modmask sweep " + todo.get(0).sweep()).setMaster(m)
                .set("spark.task.cpus", Integer.toString(taskCpus)).set("spark.task.maxFailures", "4")
                .set("spark.ui.enabled", "false").set("spark.driver.host", System.getProperty("spark.driver.host", "127.0.0.1"));
        extra.forEach(conf::set);
        String rootText = root.toAbsolutePath().toString();
        int threads = taskCpus;
        // progress from the results the workers write: runs done, and the time left at the rate so far
        var finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watch = new Thread(() -> {
            try (Progress bar = Progress.Factory.start("sweep " + todo.get(0).sweep() + " on " + master, runs.size())) {
                while (!finished.get()) {
                    bar.update(runs.stream().filter(r -> SweepResults.done(root, r)).count(), java.util.Map.of());
                    Thread.sleep(2_000);
                }
                bar.update(runs.stream().filter(r -> SweepResults.done(root, r)).count(), java.util.Map.of());
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
                SweepResults.execute(Path.of(rootText), r);
            });
        } finally {
            finished.set(true);
            watch.join(5_000);
        }
    }
}
