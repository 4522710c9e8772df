package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.train.Progress;

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
}
