package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.LstmClassifier;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The K mask samples run side by side on copies of the model give what they give one after another. */
class SideBySideTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void samplesOnSeveralThreadsGiveTheGradientOfOneThread() {
        Dataset d = Toy.addMod10();
        Map<String, INDArray> batch = d.slice(0, 100);
        for (Model m : List.of(Mlp.classifier(20, new int[]{16, 8}, 10, 3), LstmClassifier.of(20, 6, 2, 3, 1, 10, 4))) {
            WeightMask start = WeightMask.constant("start", m, Masks.of(m).selected(), 0.7);
            Map<String, INDArray> one = Masks.of(m).threads(1).gradient(start, batch, 5);
            for (int threads : new int[]{2, 3}) {          // 3: samples 0 and 3 on one thread, 1 and 2 on the others
                Map<String, INDArray> side = Masks.of(m).threads(threads).gradient(start, batch, 5);
                for (String n : one.keySet()) {
                    double scale = one.get(n).norm2Number().doubleValue();
                    assertTrue(scale > 0, "a non-trivial gradient for " + n);
                    double diff = side.get(n).sub(one.get(n)).norm2Number().doubleValue();
                    assertEquals(0, diff / scale, 1e-5, m.kind() + ", " + threads + " threads: gradient of " + n);
                }
            }
        }
    }

    @Test
    void trainingSideBySideLeavesTheModelAloneAndLearnsTheSameMask() {
        Dataset d = Toy.addMod10();
        Model m = Mlp.classifier(20, new int[]{16, 8}, 10, 3);
        INDArray w = m.get("layers.0.weight").dup();
        WeightMask a = Masks.of(m).steps(30).threads(2).train(d);
        assertEquals(w, m.get("layers.0.weight"), "the frozen weights are untouched");
        assertNotNull(m.copies(1), "a copy of the model ran samples");
        WeightMask b = Masks.of(m).steps(30).threads(1).train(d);
        for (String n : a.params()) {
            double diff = a.logits(n).sub(b.logits(n)).amaxNumber().doubleValue();
            assertEquals(0, diff, 1e-4, "logits of " + n + " after 30 steps");
        }
    }

    @Test
    void anErrorOnAnotherThreadReachesTheCaller() {
        Model m = Mlp.classifier(20, new int[]{16, 8}, 10, 3);
        Map<String, INDArray> batch = new HashMap<>(Toy.addMod10().slice(0, 100));
        batch.remove("y");
        WeightMask start = WeightMask.constant("start", m, Masks.of(m).selected(), 0.7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Masks.of(m).threads(2).gradient(start, batch, 0));
        assertTrue(e.getMessage().contains("'y'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Masks.of(m).threads(0));
    }
}
