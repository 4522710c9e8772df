package org.modmask.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Graph;
import org.modmask.nn.Linear;
import org.modmask.nn.Losses;
import org.modmask.nn.Metric;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A batch split over copies of the model trains as the whole batch does, and only where that holds. */
class DataParallelTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void partsSideBySideTrainLikeTheWholeBatch() {
        Dataset d = Toy.addMod10();
        Model whole = Mlp.classifier(20, new int[]{16, 8}, 10, 3), split = Mlp.classifier(20, new int[]{16, 8}, 10, 3);
        Train.of(whole).steps(20).batchSize(50).threads(1).run(d);
        Train.of(split).steps(20).batchSize(50).threads(3).run(d);      // 50 rows: parts of 17, 17 and 16
        assertNotNull(split.copies(2), "copies of the model ran the parts");
        for (String n : whole.snapshot().keySet()) {
            double diff = whole.get(n).sub(split.get(n)).amaxNumber().doubleValue();
            assertEquals(0, diff, 1e-5, "parameter " + n + " after 20 steps");
        }
        Map<String, INDArray> batch = d.slice(0, 50);
        DataParallel parts = DataParallel.of(split, 2, batch);
        assertNotNull(parts);
        Model.Step s = parts.step(batch, java.util.List.of("layers.0.weight"), 1);
        Model.Step ref = split.step(batch, java.util.List.of("layers.0.weight"));
        assertEquals(ref.loss(), s.loss(), 1e-6, "the batch's loss");
        assertEquals(0, s.gradients().get("layers.0.weight").sub(ref.gradients().get("layers.0.weight")).amaxNumber().doubleValue(), 1e-6);
        parts.close();
    }

    @Test
    void aLossThatIsNotAMeanOverExamplesRunsWhole() {
        Model summed = Graph.make(5, g -> {
            SDVariable x = g.input("x", -1, 20), y = g.input("y", -1, 10);
            SDVariable logits = g.named(Linear.apply(g, "out", x, 20, 10, true), "logits");
            SDVariable rows = x.shape().get(SDIndex.point(0)).castTo(DataType.FLOAT);
            SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, 1, 10).mul(rows), "loss");  // a sum
            return g.build("summed", loss, logits, Metric.groupedArgmax("y", 1, 10), "y");
        });
        assertNull(DataParallel.of(summed, 2, Toy.addMod10().slice(0, 40)));
        Model mean = Mlp.classifier(20, new int[]{8}, 10, 3);
        assertNotNull(DataParallel.of(mean, 2, Toy.addMod10().slice(0, 40)));
        assertThrows(IllegalArgumentException.class, () -> Train.of(mean).threads(0));
    }
}
