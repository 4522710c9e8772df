package org.modmask.experiment;

import org.modmask.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line of {@code environment/sweep}: {@code FILE.json [--master local[N]|spark://host:port] [--concurrent N]
 * [--cores-per-run N] [--root DIR|URI]}. Runs what is left of the sweep (locally, or on Spark with {@code --master}), prints
 * the merged table and writes it beside the runs as {@code merged.csv}. A root given as a Hadoop file system URI
 * ({@code hdfs://namenode/modmask}) keeps the runs there (Spark only); the result files and the table then come to the
 * local results folder ({@code MODMASK_RESULTS}).
 */
public final class SweepMain {
    private SweepMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: environment/sweep FILE.json [--master local[N]|spark://host:port] [--concurrent N] [--cores-per-run N] [--root DIR|hdfs://...]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no sweep file " + file.toAbsolutePath());
        String master = null;
        int concurrent = 0, cores = 1;
        Path root = Workspace.results("sweeps");
        String hadoopRoot = null;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
            switch (args[i]) {
                case "--master" -> master = args[i + 1];
                case "--concurrent" -> concurrent = Integer.parseInt(args[i + 1]);
                case "--cores-per-run" -> cores = Integer.parseInt(args[i + 1]);
                case "--root" -> {
                    if (args[i + 1].matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) hadoopRoot = args[i + 1];
                    else root = Path.of(args[i + 1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--master, --concurrent, --cores-per-run, --root)");
            }
        }
        Sweep sweep = Sweep.read(file);
        SweepExecutor executor;
        if (master == null) {
            if (hadoopRoot != null) throw new IllegalArgumentException("a results root on a Hadoop file system (" + hadoopRoot + ") needs --master: the local executor writes to a path");
            executor = concurrent > 0 ? LocalExecutor.of(concurrent) : LocalExecutor.of();
        } else {
            try {
                Class<?> spark = Class.forName("org.modmask.experiment.SparkExecutor");
                Object e = spark.getMethod("of", String.class).invoke(null, master);
                executor = (SweepExecutor) spark.getMethod("taskCpus", int.class).invoke(e, cores);
                if (hadoopRoot != null) spark.getMethod("sharedRoot", String.class).invoke(executor, hadoopRoot);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark is not on this classpath: build with -Pspark (environment/sweep does when given --master)", e);
            }
        }
        System.out.println(sweep + "; results in " + (hadoopRoot != null ? hadoopRoot + "/" + sweep.name() + " (result files also in " + root.resolve(sweep.name()) + ")" : root.resolve(sweep.name())));
        var table = sweep.run(executor, root);
        Files.createDirectories(root.resolve(sweep.name()));
        table.write().csv(root.resolve(sweep.name()).resolve("merged.csv").toFile());
        System.out.println(table.print());
        System.exit(0);     // Spark and ND4J leave non-daemon threads behind
    }
}
