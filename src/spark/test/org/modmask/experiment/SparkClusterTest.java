package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.train.Progress;

import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real standalone Spark cluster on 127.0.0.1: a master and a worker in their own JVMs, the tiny sweep submitted to
 * them, and the executor killed once the first run has finished. Spark starts a new executor and retries the lost
 * tasks, which resume from their checkpoints: the sweep completes with the local executor's table.
 */
class SparkClusterTest {
    private static final String OPENS = String.join(" ", List.of("java.lang", "java.lang.invoke", "java.io", "java.net", "java.nio", "java.util",
            "java.util.concurrent", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar").stream()
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList());

    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aSweepSurvivesAKilledExecutorOnAStandaloneCluster(@TempDir Path tmp) throws Exception {
        // a SPARK_HOME whose jars/ are this test's jars, as a Spark installation's would be
        Path home = Files.createDirectories(tmp.resolve("spark-home/jars"));
        List<String> dirs = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) Files.createSymbolicLink(home.resolve(p.getFileName().toString()), p.toAbsolutePath());
            else if (Files.isDirectory(p)) dirs.add(p.toAbsolutePath().toString());
        }
        int port = freePort();
        List<Process> started = new ArrayList<>();
        try {
            started.add(java(tmp, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--webui-port", Integer.toString(freePort())));
            waitForPort(port, 60);
            started.add(java(tmp, "worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "3g",
                    "--webui-port", Integer.toString(freePort()), "--work-dir", Files.createDirectories(Path.of("target", "spark-cluster", "work")).toAbsolutePath().toString(),
                    "spark://127.0.0.1:" + port));

            Path root = tmp.resolve("results");
            var sweep = SweepTest.tiny();
            AtomicLong killed = new AtomicLong(-1), finishedAtKill = new AtomicLong(-1);
            Thread killer = new Thread(() -> {          // once one run has finished, kill the executor running the others
                try {
                    while (sweep.done(root) == 0) Thread.sleep(200);
                    var executor = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).findFirst();
                    if (executor.isPresent()) {
                        finishedAtKill.set(sweep.done(root));
                        executor.get().destroyForcibly();
                        killed.set(executor.get().pid());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            killer.setDaemon(true);
            killer.start();
            var spark = SparkExecutor.of("spark://127.0.0.1:" + port).conf("spark.executor.memory", "2g").conf("spark.cores.max", "2")
                    .conf("spark.executor.extraClassPath", String.join(File.pathSeparator, dirs)).conf("spark.executor.extraJavaOptions", OPENS);
            var table = sweep.run(spark, root);
            killer.join(10_000);
            assertTrue(killed.get() > 0, "an executor was killed");
            assertTrue(finishedAtKill.get() < 4, "it was killed while runs were left (" + finishedAtKill.get() + " of 4 done)");
            assertEquals(SweepTest.rows(SweepTest.local(tmp.resolve("local"))), SweepTest.rows(table), "the same table as the local executor's");
        } finally {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process java(Path tmp, String name, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        cmd.addAll(List.of(OPENS.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        Path logs = Files.createDirectories(Path.of("target", "spark-cluster"));      // kept after the test, to read on a failure
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", tmp.resolve("spark-home").toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");      // a built Spark says so by its folders; this one by the variable
        return pb.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(300);
            }
        }
        fail("the Spark master did not listen on port " + port + " within " + seconds + " s");
    }
}
