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

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The K mask samples run as K copies in one call give what K calls on the model give. */
class ReplicasTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    private static List<Model> models() {
        return List.of(Mlp.classifier(20, new int[]{16, 8}, 10, 3), LstmClassifier.of(20, 6, 2, 3, 1, 10, 4));
    }

    @Test
    void oneCallOnKCopiesGivesTheGradientOfKCalls() {
        Dataset d = Toy.addMod10();
        Map<String, INDArray> batch = d.slice(0, 100);
        for (Model m : models()) {
            assertNotNull(m.replicas(4), m.kind() + " is built with Graph.make and can be replicated");
            WeightMask start = WeightMask.constant("start", m, Masks.of(m).selected(), 0.7);
            Map<String, INDArray> oneCall = Masks.of(m).replicate(true).gradient(start, batch, 5);
            Map<String, INDArray> kCalls = Masks.of(m).replicate(false).gradient(start, batch, 5);
            for (String n : kCalls.keySet()) {
                double scale = kCalls.get(n).norm2Number().doubleValue();
                assertTrue(scale > 0, "a non-trivial gradient for " + n);
                double diff = oneCall.get(n).sub(kCalls.get(n)).norm2Number().doubleValue();
                assertEquals(0, diff / scale, 1e-5, m.kind() + ": gradient of " + n);
            }
        }
    }

    @Test
    void trainingOnCopiesLeavesTheModelAloneAndLearnsTheSameMask() {
        Dataset d = Toy.addMod10();
        Model m = Mlp.classifier(20, new int[]{16, 8}, 10, 3);
        INDArray w = m.get("layers.0.weight").dup();
        // the copies return the masked tensors' gradients only: replicate(true) trains with logit-only clipping
        var e = assertThrows(IllegalArgumentException.class, () -> Masks.of(m).steps(30).replicate(true).train(d));
        assertTrue(e.getMessage().contains("clipping(Clipping.LOGITS)"), e.getMessage());
        WeightMask a = Masks.of(m).steps(30).clipping(Clipping.LOGITS).replicate(true).train(d);
        assertEquals(w, m.get("layers.0.weight"), "the frozen weights are untouched");
        WeightMask b = Masks.of(m).steps(30).clipping(Clipping.LOGITS).replicate(false).train(d);
        for (String n : a.params()) {
            double diff = a.logits(n).sub(b.logits(n)).amaxNumber().doubleValue();
            assertEquals(0, diff, 1e-4, "logits of " + n + " after 30 steps");
        }
    }
}
