package org.modmask.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
}
