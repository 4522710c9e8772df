package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.nn.Metric;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A user's own SameDiff graph, built without our layers, can be trained and masked by parameter name. */
class ForeignGraphTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void aHandBuiltGraphIsTrainedAndMasked() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("features", DataType.FLOAT, -1, 20);
        SDVariable y = sd.placeHolder("labels", DataType.FLOAT, -1, 10);
        SDVariable w1 = sd.var("hidden_w", Nd4j.rand(DataType.FLOAT, 20, 64).subi(0.5).muli(0.4));
        SDVariable b1 = sd.var("hidden_bias", Nd4j.zeros(DataType.FLOAT, 64));
        SDVariable w2 = sd.var("out_w", Nd4j.rand(DataType.FLOAT, 64, 10).subi(0.5).muli(0.4));
        SDVariable h = sd.nn().relu(x.mmul(w1).add(b1), 0);
        SDVariable logits = h.mmul(w2).rename("scores");
        SDVariable e = sd.math().exp(logits.sub(logits.max(true, 1)));
        SDVariable logp = sd.math().log(e.div(e.sum(true, 1)));
        logp.mul(y).sum(1).neg().mean().rename("xent");

        var data = Toy.addMod10().with("features", Toy.addMod10().column("x")).with("labels", Toy.addMod10().column("y"));
        Model m = Model.of("hand-built", sd, "xent", "scores", Metric.groupedArgmax("labels", 1, 10), "labels");
        assertEquals(java.util.Set.of("hidden_w", "hidden_bias", "out_w"), java.util.Set.copyOf(m.parameters().stream().map(p -> p.name()).toList()));
        Train.of(m).steps(600).batchSize(50).lr(1e-2).run(data);
        assertEquals(1.0, Eval.accuracy(m, data), 1e-9);
        Masks masks = Masks.of(m).batchSize(52).steps(100);
        assertEquals(java.util.Set.of("hidden_w", "out_w"), java.util.Set.copyOf(masks.selected()), "biases are left unmasked by name");
        WeightMask mask = masks.train(data);
        assertTrue(mask.accuracy(m, data) > 0.5, mask.toString());
        assertThrows(IllegalArgumentException.class, () -> Model.of("bad", sd, "nope", "scores", null));
    }
}
