package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Transfer (spec §3.7) on a toy task: earlier tasks' weights stay frozen, the first layer is free, shares are in [0, 1]. */
class TransferTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    /** Task p: the toy's inputs with the two digits' positions rotated by p (a different input layout per task). */
    static Dataset task(int p) {
        Dataset d = Toy.addMod10();
        int[] perm = new int[20];
        for (int j = 0; j < 20; j++) perm[j] = (j + 3 * p) % 20;
        return d.with("x", d.column("x").getColumns(perm)).named("task " + p);
    }

    @Test
    void earlierTasksWeightsStayFrozenAndTheFirstLayerIsFree() {
        Model m = Mlp.classifier(20, new int[]{32, 16}, 10, 1);
        var snapshots = new java.util.ArrayList<java.util.Map<String, INDArray>>();
        Transfer.Outcome o = Transfer.of(m).tasks(3).newInit(2)
                .configure(j -> j.steps(200).samples(2).batchSize(32))
                .run(p -> {
                    snapshots.add(m.snapshot());
                    return task(p);
                }, TransferTest::task);
        assertEquals(3, o.masks().size());
        assertEquals(List.of("layers.0.weight", "layers.0.bias"), o.firstLayer());
        // weights kept by task 0's mask outside the first layer are unchanged by the later tasks
        WeightMask t0 = o.masks().get(0);
        for (String n : List.of("layers.1.weight", "layers.2.weight", "layers.2.bias")) {
            INDArray kept = t0.kept(n).castTo(m.get(n).dataType());
            INDArray before = snapshots.get(1).get(n).mul(kept), after = m.get(n).mul(kept);
            assertEquals(before, after, n + ": a weight task 0 used must stay as it was");
            if (n.endsWith("weight")) assertTrue(t0.keptCount(n) > 0, "task 0 keeps some of " + n);
        }
        Table s = o.shared();
        assertEquals(2, s.rowCount(), "one row per task after the first");
        for (String c : List.of("layers.1.weight", "layers.2.weight", "total"))
            for (double v : s.doubleColumn(c).asDoubleArray()) assertTrue(v >= 0 && v <= 1, c + " share " + v);
        assertTrue(o.accuracy()[0] > 0.5, "task 0 is learnt: " + o.accuracy()[0]);
        assertNotNull(o.chart().png());
    }
}
