package org.modmask.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Progress;
import org.modmask.train.Train;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Clustering a small trained MLP's units by every measure, and the masks-versus-clusters table. */
class UnitClustersTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void everyMethodAndLayerGetsAPartitionAndMethodsAgreeWithThemselves() {
        Dataset d = Toy.addMod10();
        Model net = Mlp.classifier(20, new int[]{16, 12}, 10, 1);
        Train.of(net).steps(100).run(d);
        var r = UnitClusters.of(net, d).steps(500).run();
        assertEquals(8 * 2, r.table().rowCount());
        for (Associations.Method m : Associations.Method.values())
            for (int l = 0; l < 2; l++) {
                Partition p = r.partition(m, l);
                assertEquals(l == 0 ? 16 : 12, p.labels().length);
                assertTrue(p.q() >= 0 && p.q() < 1, m + " Q " + p.q());
                assertEquals(Modularity.q(r.matrix(m, l), p.labels()), p.q(), 1e-9, "the reported Q is the partition's");
            }
        double[][] s = r.agreementMatrix();
        for (int i = 0; i < s.length; i++) assertEquals(1.0, s[i][i], 1e-12);
        double[][] sorted = r.sortedMatrix(Associations.Method.FORWARD_COV_NORM, 0);
        assertEquals(16, sorted.length);
    }

    @Test
    void maskUnitsNeedAKeptWeightInAndOut() {
        Model net = Mlp.classifier(20, new int[]{4}, 10, 1);
        List<String> w = Masks.of(net).selected();
        WeightMask all = WeightMask.constant("all", net, w, 1), none = WeightMask.constant("none", net, w, -1);
        assertArrayEquals(new boolean[]{true, true, true, true}, MaskUnits.used(all, 0));
        assertArrayEquals(new boolean[]{false, false, false, false}, MaskUnits.used(none, 0));
        WeightMask inOnly = all.replace(List.of("layers.1.weight"), none);      // nothing leaves the layer
        assertArrayEquals(new boolean[]{false, false, false, false}, MaskUnits.used(inOnly, 0));
        Partition p = new Partition(new int[]{0, 0, 1, -1}, 0.3);
        var t = MaskUnits.byCluster(p, all, none, 0);
        assertEquals(List.of("0", "1", "dead"), t.stringColumn("cluster").asList());
        assertEquals(List.of(2, 1, 1), t.intColumn("only all").asList());
    }

    /** Two masks that split the hidden units between them: the preference is ±1, and a partition along it explains all of it. */
    @Test
    void preferenceAndTheShareTheClustersExplain() {
        Model net = Mlp.classifier(20, new int[]{4}, 10, 1);
        java.util.function.IntFunction<WeightMask> keeping = from -> {            // keeps units from, from + 1 only
            INDArray in = org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{4, 20}, -5f), out = org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{10, 4}, -5f);
            for (int u = from; u < from + 2; u++) {
                in.getRow(u).assign(5);
                out.getColumn(u).assign(5);
            }
            return new WeightMask(from == 0 ? "a" : "b", java.util.Map.of("layers.0.weight", in, "layers.1.weight", out));
        };
        WeightMask a = keeping.apply(0), b = keeping.apply(2);
        assertArrayEquals(new double[]{30, 30, 0, 0}, MaskUnits.keptWeights(a, 0), 0);
        assertArrayEquals(new double[]{1, 1, -1, -1}, MaskUnits.preference(a, b, 0), 0);
        double[] along = MaskUnits.clusterShare(new Partition(new int[]{0, 0, 1, 1}, 0.5), MaskUnits.preference(a, b, 0), 3000, 7);
        assertEquals(1, along[0], 1e-12, "clusters along the masks explain all of the preference");
        assertEquals(1.0 / 3, along[1], 0.03, "2 of the 6 ways to split 4 units in two pairs do as well");
        double[] across = MaskUnits.clusterShare(new Partition(new int[]{0, 1, 0, 1}, 0.5), MaskUnits.preference(a, b, 0), 100, 7);
        assertEquals(0, across[0], 1e-12, "clusters across the masks explain none of it");
        assertEquals(1, across[1], 0, "every relabelling does at least as well");
        var t = MaskUnits.preferenceByCluster(new Partition(new int[]{0, 0, 1, -1}, 0.5), a, b, 0);
        assertEquals(List.of("0", "1", "dead"), t.stringColumn("cluster").asList());
        assertEquals(List.of(1.0, -1.0, -1.0), t.doubleColumn("preference").asList());
        assertEquals(30.0, t.doubleColumn("a weights per unit").get(0), 0);
    }

    /** An interrupt (JJava's only sets the thread's flag) stops the clustering between partitions, with a message. */
    @Test
    void anInterruptStopsTheClustering() {
        Model net = Mlp.classifier(20, new int[]{8, 8}, 10, 1);
        Thread.currentThread().interrupt();
        var e = assertThrows(java.util.concurrent.CancellationException.class, () -> UnitClusters.of(net, Toy.addMod10()).steps(10).run());
        assertTrue(e.getMessage().contains("interrupted after 0 of"), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is consumed");
    }
}
