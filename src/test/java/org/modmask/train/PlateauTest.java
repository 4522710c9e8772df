package org.modmask.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.data.Dataset;
import org.modmask.data.TwoOps;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.Table;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The TMLR schedule: learning-rate reduction on a plateau, early stopping, best-validation weights, and resuming. */
class PlateauTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void reducesTheRateAfterPatienceAndStopsAfterItsOwnPatience() {
        Plateau p = new Plateau(0.25, 3, 6);
        assertTrue(p.update(1.0));
        assertTrue(p.update(0.9));
        for (int bad = 1; bad <= 6; bad++) {
            assertFalse(p.update(0.95));
            assertEquals(bad <= 3 ? 1 : 0.25, p.lrScale(), 0, "after " + bad + " evaluations without improvement");
            assertEquals(bad >= 6, p.stopped(), "after " + bad + " evaluations without improvement");
        }
        // a tiny improvement is a new best (early stopping) but below the rate's 1e-4 relative threshold
        Plateau q = new Plateau(0.5, 1, 0);
        q.update(1.0);
        assertTrue(q.update(0.99999));
        assertEquals(1, q.lrScale());
        q.update(0.99998);
        assertEquals(0.5, q.lrScale(), "two evaluations without a 1e-4 improvement, patience 1");
        assertFalse(q.stopped(), "stop patience 0: never stops");
        assertThrows(IllegalArgumentException.class, () -> new Plateau(0, 3, 6));
        assertThrows(IllegalArgumentException.class, () -> new Plateau(0.5, -1, 6));
    }

    /** Validation data whose labels disagree with the training labels: the longer training runs, the worse it gets. */
    private static Dataset contradicting(Dataset train) {
        INDArray y = train.column("y");
        INDArray shifted = Nd4j.concat(1, y.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 10)), y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)));
        return train.with("y", shifted).named("shifted labels");
    }

    @Test
    void keepsTheWeightsOfTheBestValidationLoss() {
        Dataset train = TwoOps.all(), val = contradicting(train);
        Model m = Mlp.classifier(22, new int[]{32}, 10, 4);
        Table h = Train.of(m).steps(200).batchSize(50).lr(1e-2).validation(val, 20).restoreBest(true).run(train);
        var v = h.doubleColumn("val loss").removeMissing();
        assertEquals(10, v.size(), "one validation every 20 steps");
        double min = v.min();
        assertTrue(v.get(v.size() - 1) > min + 0.1, "the validation loss rose while training fitted other labels: " + v.asList());
        m.training(false);
        assertEquals(min, Eval.loss(m, val), 1e-5, "the model ends with the best validation weights");
    }

    @Test
    void stopsEarlyAndAResumedRunStaysStopped(@TempDir Path dir) {
        Dataset train = TwoOps.all(), val = contradicting(train);
        Path ckpt = dir.resolve("net.ckpt");
        Model m = Mlp.classifier(22, new int[]{16}, 10, 5);
        Table h = Train.of(m).steps(1_000).batchSize(50).lr(1e-2).validation(val, 10).plateau(0.25, 1, 2).checkpoint(ckpt).run(train);
        var v = h.doubleColumn("val loss").removeMissing().asList();
        int best = v.indexOf(java.util.Collections.min(v));
        assertEquals(v.size(), best + 1 + 2, "stops after two evaluations without a new best: " + v);
        assertEquals(10L * v.size(), h.longColumn("step").get(h.rowCount() - 1));
        assertTrue(v.size() < 100, "stopped early");
        Model again = Mlp.classifier(22, new int[]{16}, 10, 6);
        Table h2 = Train.of(again).steps(2_000).batchSize(50).lr(1e-2).validation(val, 10).plateau(0.25, 1, 2).checkpoint(ckpt).run(train);
        assertEquals(0, h2.rowCount(), "a stopped run does not continue when resumed");
        for (var p : m.parameters()) assertEquals(m.get(p.name()), again.get(p.name()), p.name());
        assertThrows(IllegalStateException.class, () -> Train.of(m).plateau(0.25, 3, 6).run(train), "plateau without validation");
    }
}
