package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.TwoOps;
import org.modmask.experiment.Protocol;
import org.modmask.experiment.Result;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The Mathematics figure's table: the right mask's accuracy in each column, the relative drop, the overview. */
class DifficultyTransferTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    /** A view whose "accuracy" is the share of first-layer weights a mask keeps: 1 unmasked, the mask's density otherwise. */
    private static Result run(long seed) {
        return Protocol.of("m" + seed, s -> Mlp.classifier(22, new int[]{16}, 10, s))
                .train(TwoOps.all(), t -> t.steps(10))
                .masks(m -> m.steps(30).lr(0.1).beta(1e-2))
                .stage("control", TwoOps.all()).stage("easy", TwoOps.only(TwoOps.Op.ADD))
                .scoredView("hard", TwoOps.all(), (model, d) -> model.get("layers.0.weight").neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).meanNumber().doubleValue())
                .complements(false).seed(seed)
                .run();
    }

    @Test
    void tableTakesEachMasksAccuracyAndTheRelativeDrop() {
        Map<String, Result> modules = new LinkedHashMap<>();
        modules.put("first", run(1));
        modules.put("second", run(2));
        Table t = DifficultyTransfer.table(modules, "control", "easy", "hard");
        assertEquals(List.of("first", "second"), t.stringColumn("module").asList());
        for (int i = 0; i < 2; i++) {
            Result r = modules.get(t.stringColumn("module").get(i));
            double c = r.accuracy("control", "hard")[0], e = r.accuracy("easy", "hard")[0];
            assertEquals(100, t.doubleColumn("train").get(i), 1e-9, "unmasked keeps every weight");
            assertTrue(c < 100 && e < 100, "the masks removed weights: " + c + ", " + e);
            assertEquals(c, t.doubleColumn("control").get(i), 0.051);
            assertEquals(e, t.doubleColumn("easy mask").get(i), 0.051);
            assertEquals(100 * (c - e) / c, t.doubleColumn("relative drop %").get(i), 0.11);
        }
        Table o = DifficultyTransfer.overview(modules);
        assertEquals(List.of("unmasked", "control", "easy", "unmasked", "control", "easy"), o.stringColumn("mask").asList());
        assertTrue(o.doubleColumn("kept %").isMissing(0) && !o.doubleColumn("kept %").isMissing(1));
        assertEquals(modules.get("first").kept("easy")[0], o.doubleColumn("kept %").get(2), 0.051);
        assertNotNull(DifficultyTransfer.chart(t));
    }
}
