package org.modmask.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Mnist;
import org.modmask.train.Progress;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A tiny MNIST sweep: every network is clustered; networks under the accuracy cut-off stay out of the means. */
class ModularitySweepTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void summariesSkipNetworksUnderTheCutoff() {
        var test = Mnist.test();
        var r = ModularitySweep.of(Mnist.train(), test).hidden(32, 32).steps(400).dropout(0.0).l1(10.0).untrained(2)
                .probe(200).clusterSteps(100).methods(Associations.Method.FORWARD_COV_NORM, Associations.Method.BACKWARD_JAC_NORM).run();
        assertEquals((1 + 1 + 2) * 2 * 2, r.table().rowCount(), "networks × methods × layers");
        assertTrue(Double.isNaN(r.qVs("l1").doubleColumn("forward_cov_norm").getDouble(0)), "L1 = 10 cannot reach 80 %: no Q");
        assertTrue(Double.isNaN(r.rise("l1", Associations.Method.FORWARD_COV_NORM)), "no value passed the cut-off: no rise");
        assertTrue(Double.isNaN(r.zAboveNull("l1", Associations.Method.FORWARD_COV_NORM)));
        assertEquals(2, r.nullBand().rowCount());
        assertEquals(1.0, r.agreement()[0][0], 1e-12);
        assertEquals(0.0, r.agreementMinusUntrained()[1][1], 1e-12);
        var nets = r.perNetwork(Associations.Method.FORWARD_COV_NORM);
        assertEquals(1 + 1 + 2, nets.rowCount(), nets.print());
        assertEquals(java.util.List.of("dropout", "l1", "untrained", "untrained"), nets.stringColumn("regularizer").asList());
        assertTrue(nets.doubleColumn("layer 2 Q").isMissing(1), "L1 = 10 is under the cut-off: no Q");
        assertTrue(nets.doubleColumn("layer 2 clusters").isMissing(1), "nor a cluster count");
        assertFalse(nets.doubleColumn("layer 1 clusters").isMissing(0));
        assertEquals(r.table().doubleColumn("accuracy").getDouble(0) * 100, nets.doubleColumn("accuracy %").getDouble(0), 0.05);
        var e = assertThrows(IllegalArgumentException.class, () -> r.qVs("l2"));
        assertTrue(e.getMessage().contains("l2"), e.getMessage());
    }

    /** The numbers a claims table reads: the null's size, accuracy, rise, distance from the null, and the family lead. */
    @Test
    void claimInputsFollowTheirDefinitions() {
        var N = List.of(Associations.Method.FORWARD_COV_NORM, Associations.Method.FORWARD_JAC_NORM,
                Associations.Method.BACKWARD_JAC_NORM, Associations.Method.BACKWARD_HESS_NORM);
        var r = ModularitySweep.of(Mnist.train(), Mnist.test()).hidden(24, 24).steps(300).dropout(0.0, 0.5).untrained(3)
                .probe(200).clusterSteps(100).methods(N.toArray(Associations.Method[]::new)).run();
        assertEquals(3, r.untrainedCount());
        double low = r.lowestAccuracy("dropout");
        assertTrue(low > 50 && low <= 100, "accuracy in %: " + low);
        assertTrue(Double.isNaN(r.lowestAccuracy("l1")), "no L1 networks");
        var m = Associations.Method.FORWARD_COV_NORM;
        var q = r.qVs("dropout");
        assertEquals(q.doubleColumn(m.key()).getDouble(1) - q.doubleColumn(m.key()).getDouble(0), r.rise("dropout", m), 1e-12);
        var band = r.nullBand();
        double mu = band.doubleColumn("Q mean").getDouble(0), sd = band.doubleColumn("Q std").getDouble(0);
        assertEquals((q.doubleColumn(m.key()).getDouble(1) - mu) / sd, r.zAboveNull("dropout", m), 1e-9);
        double[][] a = r.agreementMinusUntrained();      // order: cov, jac (upstream), bjac, hess (downstream)
        double across = (a[0][2] + a[0][3] + a[1][2] + a[1][3]) / 4;
        assertEquals(a[0][1] - across, r.familyLead(true), 1e-12);
        assertEquals(a[2][3] - across, r.familyLead(false), 1e-12);
        var two = ModularitySweep.of(Mnist.train(), Mnist.test()).hidden(8, 8).steps(10).dropout(0.0).untrained(1)
                .probe(100).clusterSteps(10).methods(Associations.Method.FORWARD_COV_NORM, Associations.Method.BACKWARD_JAC_NORM).run();
        var e = assertThrows(IllegalStateException.class, () -> two.familyLead(true));
        assertTrue(e.getMessage().contains("four normalized measures"), e.getMessage());
    }

    /** The TMLR schedule: a held-out tenth validated once per epoch; the network stops early and keeps its best weights. */
    @Test
    void tmlrScheduleValidatesPerEpochAndStopsEarly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        var train = Mnist.train().subset("2,000", java.util.stream.IntStream.range(0, 2_000).toArray());
        var sweep = ModularitySweep.of(train, Mnist.test()).hidden(16, 16).steps(50_000).dropout(0.0).tmlrSchedule(true).dir(dir);
        sweep.network("dropout", 0.0, 0);
        var state = org.modmask.train.Checkpoint.read(dir.resolve("tmlr-dropout-0.0-seed0.ckpt"));
        assertEquals("9", state.config().getProperty("validateEvery"), "1,800 training images in batches of 200: 9 steps per epoch");
        assertEquals("true", state.config().getProperty("plateau.stopped"));
        assertTrue(state.step() < 50_000, "stopped early, at step " + state.step());
        assertTrue(java.nio.file.Files.exists(dir.resolve("tmlr-dropout-0.0-seed0.ckpt.best")));
    }
}
