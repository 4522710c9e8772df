package org.modmask.experiment;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A sweep's results root on a Hadoop file system ({@code hdfs://namenode/modmask}, {@code s3a://bucket/sweeps},
 * {@code file:///...}), through the Hadoop client that Spark brings. A run works in a local folder as always; this
 * copies the folder there and back: {@link #pull} before the run (its checkpoints, so that a retried task resumes),
 * {@link #push} while it runs and once at the end. Every file goes up under a temporary name and is renamed into place,
 * so a reader never sees half a checkpoint; {@code result.json} goes up last, so that a run is done there only when
 * all its files are.
 */
final class HadoopRoot implements java.io.Closeable {
    private final String uri;
    private transient FileSystem fs;

    HadoopRoot(String uri) {
        URI u = URI.create(uri);
        if (u.getScheme() == null || u.getPath() == null || u.getPath().isEmpty())
            throw new IllegalArgumentException("results root '" + uri + "': expected a Hadoop file system URI such as hdfs://namenode/modmask");
        this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    String uri() {
        return uri;
    }

    /** Closes this root's own file system client (each HadoopRoot opens one, so that closing it affects no other). */
    @Override
    public void close() throws IOException {
        if (fs != null) fs.close();
        fs = null;
    }

    private FileSystem fs() throws IOException {
        if (fs == null) {
            fs = FileSystem.newInstance(URI.create(uri), new Configuration());
            fs.setWriteChecksum(false);           // no .crc files beside the results on a local-like file system
            fs.setVerifyChecksum(false);
        }
        return fs;
    }

    private org.apache.hadoop.fs.Path remote(SweepRun run) {
        return new org.apache.hadoop.fs.Path(uri + "/" + run.sweep() + "/" + run.id());
    }

    /** True when the run's result is there. */
    boolean done(SweepRun run) throws IOException {
        return fs().exists(new org.apache.hadoop.fs.Path(remote(run), SweepResults.RESULT));
    }

    /** Copies the run's files from the root into {@code local} (a missing folder copies nothing). */
    void pull(SweepRun run, Path local) throws IOException {
        var dir = remote(run);
        if (!fs().exists(dir)) return;
        Files.createDirectories(local);
        for (FileStatus f : fs().listStatus(dir)) {
            if (!f.isFile() || f.getPath().getName().startsWith(".")) continue;
            Path tmp = local.resolve("." + f.getPath().getName() + ".part");
            try (InputStream in = fs().open(f.getPath())) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, local.resolve(f.getPath().getName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Copies the files of {@code local} that changed since the last push (size or time; {@code sent} remembers them) into
     * the run's folder on the root; the result file last. Hidden and temporary files stay behind.
     */
    void push(SweepRun run, Path local, Map<String, String> sent) throws IOException {
        if (!Files.isDirectory(local)) return;
        var dir = remote(run);
        fs().mkdirs(dir);
        java.util.List<Path> files;
        try (Stream<Path> s = Files.list(local)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(java.util.Comparator.comparing((Path p) -> p.getFileName().toString().equals(SweepResults.RESULT))
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
        for (Path p : files) {
            String name = p.getFileName().toString(), stamp;
            try {
                stamp = Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
            } catch (java.nio.file.NoSuchFileException gone) {      // replaced by the run's next atomic write
                continue;
            }
            if (stamp.equals(sent.get(name))) continue;
            var target = new org.apache.hadoop.fs.Path(dir, name);
            var tmp = new org.apache.hadoop.fs.Path(dir, "." + name + ".part");
            try (InputStream in = Files.newInputStream(p); FSDataOutputStream out = fs().create(tmp, true)) {
                in.transferTo(out);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue;
            }
            if (fs().exists(target)) fs().delete(target, false);      // Hadoop's rename does not replace
            if (!fs().rename(tmp, target)) throw new IOException("could not rename " + tmp + " to " + target);
            sent.put(name, stamp);
        }
    }

    /** Runs one run in a local folder under {@code localRoot}, mirrored to the root every {@code everySeconds}. */
    void execute(SweepRun run, Path localRoot, long everySeconds) throws Exception {
        if (done(run)) return;
        Path local = SweepResults.dir(localRoot, run);
        pull(run, local);
        Map<String, String> sent = new HashMap<>();
        var stop = new java.util.concurrent.CountDownLatch(1);
        Thread sync = new Thread(() -> {
            try {
                while (!stop.await(everySeconds, java.util.concurrent.TimeUnit.SECONDS)) push(run, local, sent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                System.err.println("run " + run.id() + ": copying checkpoints to " + uri + " failed (" + e.getMessage() + "); retrying at the end");
            }
        }, "sweep sync " + run.id());
        sync.setDaemon(true);
        sync.start();
        try {
            SweepResults.execute(localRoot, run);
        } finally {
            stop.countDown();
            sync.join();
            push(run, local, sent);          // the checkpoints of a failed run too: its retry resumes from them
        }
        if (done(run)) deleteTree(local);    // the root has it all: free the worker's disk
    }

    /** Copies a finished run's result file (only that) into its folder under a local root; false when it has none. */
    boolean pullResult(SweepRun run, Path localRoot) throws IOException {
        var f = new org.apache.hadoop.fs.Path(remote(run), SweepResults.RESULT);
        if (!fs().exists(f)) return false;
        Path local = Files.createDirectories(SweepResults.dir(localRoot, run)), tmp = local.resolve("." + SweepResults.RESULT + ".part");
        try (InputStream in = fs().open(f)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, local.resolve(SweepResults.RESULT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
