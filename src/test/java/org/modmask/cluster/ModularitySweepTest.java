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

    /**
     * The paper's figures read from one sweep: identical settings trained once, norms, the five agreement measures per
     * pair, Q with its s.e.m. over seeds and the null band, agreement by regularizer and by layer.
     */
    @Test
    void figuresFollowFromTheSweepsRows() {
        var N = new Associations.Method[]{Associations.Method.FORWARD_COV_NORM, Associations.Method.FORWARD_JAC_NORM,
                Associations.Method.BACKWARD_JAC_NORM, Associations.Method.BACKWARD_HESS_NORM};
        var r = ModularitySweep.of(Mnist.train(), Mnist.test()).hidden(16, 16).steps(400).seeds(2).dropout(0.0, 0.5)
                .l1(1e-4, 1e-2).l2(1e-5).untrained(3).probe(200).clusterSteps(100).methods(N).run();
        var t = r.table();
        var cov = Associations.Method.FORWARD_COV_NORM;
        // dropout 0 and L2 1e-5 are the same network: trained once, the same Q
        for (int seed = 0; seed < 2; seed++) {
            int s = seed;
            var d0 = t.where(t.stringColumn("regularizer").isEqualTo("dropout").and(t.doubleColumn("value").isEqualTo(0.0)).and(t.intColumn("seed").isEqualTo(s)));
            var l2 = t.where(t.stringColumn("regularizer").isEqualTo("l2").and(t.intColumn("seed").isEqualTo(s)));
            assertArrayEquals(d0.doubleColumn("Q").asDoubleArray(), l2.doubleColumn("Q").asDoubleArray());
        }
        // norms: Σ|W| and ΣW² over weights; L1 1e-2 shrinks them
        var nets = r.networks();
        assertEquals((2 + 2 + 1) * 2 + 3, nets.rowCount());
        var perf = r.performance("l1");
        assertTrue(perf.doubleColumn("L1 norm").getDouble(1) < perf.doubleColumn("L1 norm").getDouble(0), perf.print());
        // five measures per pair of methods, layer and kept network
        long kept = java.util.stream.IntStream.range(0, nets.rowCount()).filter(i -> nets.stringColumn("regularizer").get(i).equals("untrained")
                || nets.doubleColumn("accuracy %").getDouble(i) >= 80).count();
        assertEquals(kept * 2 * 6, r.pairs().rowCount());
        assertEquals(r.agreement()[0][1], r.agreement("element-sim", -1)[0][1], 1e-12);
        // Q vs dropout: the mean and s.e.m. of the two seeds, and the untrained band of the same rows
        var q = r.qVs("dropout", cov);
        for (int row = 0; row < q.rowCount(); row++) {
            double a = q.doubleColumn("seed 0").getDouble(row), b = q.doubleColumn("seed 1").getDouble(row);
            assertEquals((a + b) / 2, q.doubleColumn("Q").getDouble(row), 2e-4);
            assertEquals(Math.abs(a - b) / 2, q.doubleColumn("s.e.m.").getDouble(row), 2e-4, "s.e.m. of two values is half their distance");
        }
        assertEquals(r.nullBand().doubleColumn("Q mean").getDouble(0), q.doubleColumn("null mean").getDouble(0), 1e-4);
        assertEquals(List.of(0.0, 100.0), r.qVs("l1", cov).doubleColumn("% regularization").asList(), "L1's grid ends are 0 and 100 %");
        assertEquals(50.0, r.qVs("dropout", cov).doubleColumn("% regularization").getDouble(1), 1e-9, "dropout: 100·p");
        var layer2 = r.qVs("dropout", cov, 1);
        var depth = r.qVsDepth("dropout", cov);
        assertEquals(layer2.doubleColumn("Q").getDouble(1), depth.doubleColumn("dropout 0.5").getDouble(1), 1e-12);
        assertEquals(2, r.clustersVs("dropout", cov).rowCount());
        // agreement by family: per regularizer value and per layer, with the untrained agreement subtracted
        var byLayer = r.agreementByLayer("element-sim");
        assertEquals(2 * 3, byLayer.rowCount());
        assertEquals(byLayer.doubleColumn("upstream pair").getDouble(0) - byLayer.doubleColumn("upstream pair").getDouble(1),
                byLayer.doubleColumn("upstream pair").getDouble(2), 2e-4);
        double[][] minus = r.agreementMinusUntrained("element-sim", 1);
        assertEquals(minus[0][1], byLayer.doubleColumn("upstream pair").getDouble(5), 1e-4);
        assertEquals(2, r.agreementVs("dropout", "RSA (Spearman)", -1).rowCount());
        double lead = r.familyLead(true, 0);
        assertTrue(Double.isFinite(lead));
        double[][] c = r.measureCorrelation();
        assertEquals(5, c.length);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) assertEquals(c[i][j], c[j][i], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> r.agreement("ARI", -1), "the paper does not use the adjusted Rand index");
        var z = r.zVs("dropout");
        double[] band = {r.nullBand().doubleColumn("Q mean").getDouble(0), r.nullBand().doubleColumn("Q std").getDouble(0)};
        assertEquals((q.doubleColumn("Q").getDouble(1) - band[0]) / band[1], z.doubleColumn(cov.key()).getDouble(1), 0.02, "Q in σ of the null");
        var byMeasure = r.agreementByMeasure();
        assertEquals(5 * 3, byMeasure.rowCount());
        assertEquals(r.familyLead(false, 1), byMeasure.doubleColumn("downstream lead").getDouble(2), 2e-4);
        assertEquals(100.0, perf.doubleColumn("L2 norm, % of the weakest").getDouble(0), 1e-9);
        assertEquals(2, r.clustersVs("dropout").rowCount());
    }
}
