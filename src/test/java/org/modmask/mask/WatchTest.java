package org.modmask.mask;

import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;

import static org.junit.jupiter.api.Assertions.*;

/** Masks.watch records a few logits' trajectories without changing what the training produces. */
class WatchTest {
    @Test
    void traceStartsAtTheInitialLogitAndEndsAtTheTrainedOne() {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        Dataset d = Toy.addMod10();
        WeightMask plain = Masks.of(m).steps(250).batchSize(32).seed(5).train(d);
        Masks watched = Masks.of(m).steps(250).batchSize(32).seed(5).watch("layers.1.weight", 4);
        WeightMask mask = watched.train(d);
        assertEquals(plain.logits("layers.1.weight"), mask.logits("layers.1.weight"), "watching changes nothing");

        var trace = watched.trace();
        assertEquals(5, trace.columnCount(), "step and 4 weights");
        assertEquals(0L, trace.longColumn("step").get(0));
        assertEquals(250L, trace.longColumn("step").get(trace.rowCount() - 1));
        assertEquals(126, trace.rowCount(), "every 2 steps (250 / 100, rounded down), plus step 0");
        String col = trace.columnNames().get(2);          // "layers.1.weight[i]"
        long i = Long.parseLong(col.substring(col.indexOf('[') + 1, col.length() - 1));
        assertEquals(2.0, trace.doubleColumn(col).get(0), 1e-6, "the initial logit");
        assertEquals(mask.logits("layers.1.weight").getDouble(i), trace.doubleColumn(col).get(trace.rowCount() - 1), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Masks.of(m).steps(5).watch("layers.0.bias", 2).train(d),
                "a parameter that is not masked is named");
    }
}
