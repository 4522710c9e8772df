package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Frozen logits (the class-removal masks' copied output layer) stay bit for bit; the others train. */
class FrozenLogitsTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void frozenLogitsKeepTheirStartingValues() {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        Dataset d = Toy.addMod10();
        Masks masks = Masks.of(m).steps(30).freeze("layers.1.weight");
        WeightMask start = masks.initial("start");
        INDArray given = start.logits("layers.1.weight").dup().assign(-3);
        given.getRow(0).assign(4);
        start = start.replace(List.of("layers.1.weight"), new WeightMask("given", java.util.Map.of("layers.1.weight", given)));
        WeightMask trained = masks.train(d, start);
        assertEquals(given, trained.logits("layers.1.weight"), "the frozen layer's logits must not move");
        assertNotEquals(start.logits("layers.0.weight"), trained.logits("layers.0.weight"), "the other logits train");
        assertTrue(masks.settings().contains("frozen=[layers.1.weight]"), "saved masks are keyed by what was frozen");
        assertThrows(IllegalArgumentException.class, () -> Masks.of(m).freeze("no.such.param"));
        Masks other = Masks.of(m).params("layers.0.weight").freeze("layers.1.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.train(d));
        assertTrue(e.getMessage().contains("layers.1.weight"), e.getMessage());
    }
}
