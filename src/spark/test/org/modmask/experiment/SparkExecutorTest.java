package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.train.Progress;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The tiny sweep on Spark local[2] gives the local executor's table, run for run. */
class SparkExecutorTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void sparkLocalGivesTheLocalExecutorsTable(@TempDir Path a, @TempDir Path b) throws Exception {
        var local = SweepTest.local(a);
        var spark = SweepTest.tiny().run(SparkExecutor.of("local[2]"), b);
        assertEquals(4, spark.rowCount(), spark.print());
        assertEquals(SweepTest.rows(local), SweepTest.rows(spark));
        assertThrows(IllegalArgumentException.class, () -> SparkExecutor.of("yarn"));
    }

    /**
     * A results root on a Hadoop file system (here Hadoop's local one, by URI: the same client code as for hdfs:// or
     * s3a://): every run's folder, checkpoints and result, lands there; the merged table is the local executor's; a
     * second sweep with an empty local root runs nothing and fetches the results; a run whose result was lost there
     * resumes from the checkpoints it left.
     */
    @Test
    void aHadoopFileSystemRootKeepsTheRunsAndGivesTheSameTable(@TempDir Path a, @TempDir Path shared, @TempDir Path b, @TempDir Path c) throws Exception {
        var local = SweepTest.local(a);
        String uri = shared.toUri().toString();
        var spark = SweepTest.tiny().run(SparkExecutor.of("local[2]").sharedRoot(uri).syncEvery(1), b);
        assertEquals(SweepTest.rows(local), SweepTest.rows(spark));
        var runs = SweepTest.tiny().runs();
        for (SweepRun r : runs) {
            Path there = SweepResults.dir(shared, r);
            assertTrue(Files.isRegularFile(there.resolve("result.json")), "result of " + r.id());
            try (var files = Files.list(there)) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".ckpt")), "the run's checkpoint is there too: " + there);
            }
            try (var files = Files.list(there)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary files left: " + there);
            }
        }
        var stamp = Files.getLastModifiedTime(SweepResults.dir(shared, runs.get(0)).resolve("result.json"));
        var again = SweepTest.tiny().run(SparkExecutor.of("local[2]").sharedRoot(uri), c);
        assertEquals(SweepTest.rows(local), SweepTest.rows(again));
        assertEquals(stamp, Files.getLastModifiedTime(SweepResults.dir(shared, runs.get(0)).resolve("result.json")), "finished runs are not run again");
        Files.delete(SweepResults.dir(shared, runs.get(1)).resolve("result.json"));
        Files.delete(SweepResults.dir(c, runs.get(1)).resolve("result.json"));
        var resumed = SweepTest.tiny().run(SparkExecutor.of("local[2]").sharedRoot(uri), c);
        assertEquals(SweepTest.rows(local), SweepTest.rows(resumed), "the lost run is recomputed from its checkpoints to the same metrics");
        assertThrows(IllegalArgumentException.class, () -> SparkExecutor.of("local[2]").sharedRoot("not a uri"));
    }
}
