package org.modmask.mask;

import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Spec T0a: logits +10 reproduce the network exactly; −10 zero the masked weights; originals come back. */
class DeterministicMaskTest {
    @Test
    void largeLogitsKeepEverythingAndNegativeOnesRemoveIt() {
        Model m = Mlp.classifier(20, new int[]{16, 8}, 10, 3);
        Dataset d = Toy.addMod10();
        var batch = d.slice(0, 100);
        INDArray plain = m.logits(batch).dup();
        List<String> weights = Masks.of(m).selected();
        assertEquals(List.of("layers.0.weight", "layers.1.weight", "layers.2.weight"), weights);

        try (var a = WeightMask.constant("all", m, weights, 10).apply(m)) {
            assertEquals(plain, m.logits(batch), "+10 logits must give the unmasked outputs bit for bit");
        }
        INDArray w0 = m.get("layers.0.weight").dup();
        try (var a = WeightMask.constant("none", m, weights, -10).apply(m)) {
            for (String w : weights) assertEquals(0.0, m.get(w).amaxNumber().doubleValue(), "masked " + w + " must be zero");
            assertNotEquals(0.0, m.get("layers.0.bias").amaxNumber().doubleValue(), "biases are not masked by default");
        }
        assertEquals(w0, m.get("layers.0.weight"), "closing the mask restores the original weights");
        assertEquals(plain, m.logits(batch));
    }

    @Test
    void notAndOrOnly() {
        Model m = Mlp.classifier(20, new int[]{4}, 10, 3);
        List<String> w = Masks.of(m).selected();
        WeightMask all = WeightMask.constant("all", m, w, 1), none = WeightMask.constant("none", m, w, -1);
        assertEquals(0, all.not().keptCount());
        assertEquals(none.size(), none.not().keptCount());
        assertEquals(0, all.and(none).keptCount());
        assertEquals(0.0, none.not().undecided(), "a complement is decided: it keeps or removes each weight for certain");
        assertEquals(all.size(), all.or(none).keptCount());
        WeightMask half = none.only(List.of("layers.0.weight"));
        assertEquals(List.of("layers.0.weight"), half.params());
        try (var a = half.apply(m)) {
            assertEquals(0.0, m.get("layers.0.weight").amaxNumber().doubleValue());
            assertNotEquals(0.0, m.get("layers.1.weight").amaxNumber().doubleValue(), "layers outside the subset stay unmasked");
        }
    }
}
