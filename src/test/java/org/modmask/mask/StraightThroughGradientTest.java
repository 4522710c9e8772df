package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The logit gradient equals spec §1.3: Σ_k (∂L/∂W_eff) ⊙ W ⊙ s(1−s), plus β/batch. */
class StraightThroughGradientTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void matchesAnalyticFormOnALinearLayer() {
        int in = 5, classes = 3, batch = 8, k = 4;
        Model m = Mlp.classifier(in, new int[0], classes, 7);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, in);
        INDArray y = Nd4j.zeros(batch, classes);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % classes, 1);
        Map<String, INDArray> b = Map.of("x", x, "y", y);

        // fixed uniforms per (sample, tensor)
        Map<Integer, INDArray> us = new HashMap<>();
        for (int s = 0; s < k; s++) us.put(s, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, classes, in).muli(0.98).addi(0.01));
        double beta = 0.3;
        Masks masks = Masks.of(m).batchSize(batch).beta(beta).noise((u, step, s, t) -> u.assign(us.get(s)));
        WeightMask start = WeightMask.constant("init", m, List.of("layers.0.weight"), 0.0)
                .named("x");
        // varied logits so that some samples keep and some drop weights
        INDArray l0 = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, classes, in).subi(0.5).muli(4);
        start = new WeightMask("x", Map.of("layers.0.weight", l0));
        INDArray got = masks.gradient(start, b, 0).get("layers.0.weight");

        INDArray w = m.get("layers.0.weight"), bias = m.get("layers.0.bias");
        INDArray expected = Nd4j.zeros(classes, in);
        int chunk = batch / k;
        for (int s = 0; s < k; s++) {
            INDArray u = us.get(s);
            INDArray z = l0.add(Transforms.log(u, true).sub(Transforms.log(u.rsub(1), true)));
            INDArray sig = Transforms.sigmoid(z, true);
            INDArray hard = z.gt(0).castTo(w.dataType());
            INDArray weff = w.mul(hard);
            INDArray xs = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s * chunk, (s + 1) * chunk), org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray ys = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s * chunk, (s + 1) * chunk), org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray logits = xs.mmul(weff.transpose()).addRowVector(bias);
            INDArray p = Transforms.softmax(logits, true);
            INDArray dlogits = p.sub(ys).divi(chunk);                  // mean CE over the chunk
            INDArray gW = dlogits.transpose().mmul(xs);                // ∂L/∂W_eff
            expected.addi(gW.mul(w).muli(sig.mul(sig.rsub(1))).divi(k));
        }
        expected.addi(beta / batch);
        assertEquals(0, expected.sub(got).amaxNumber().doubleValue(), 1e-5,
                "expected " + expected + "\ngot " + got);
    }
}
