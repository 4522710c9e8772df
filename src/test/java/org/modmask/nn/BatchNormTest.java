package org.modmask.nn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.mask.Masks;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Batch normalization: batch statistics in training, running statistics in evaluation, saved with the weights. */
class BatchNormTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    static Model bn() {
        return Graph.make(1, g -> {
            SDVariable x = g.input("x", -1, 3 * 4 * 4);
            SDVariable h = BatchNorm.apply(g, "bn", x.reshape(-1, 3, 4, 4), 3);
            SDVariable out = g.named(h.reshape(-1, 48), "logits");
            return g.build("bn", g.named(out.mul(out).mean().mul(0.5), "loss"), out, null);
        });
    }

    @Test
    void trainingUsesTheBatchAndMovesTheRunningStatistics() {
        Model m = bn();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 48).muli(2).addi(3);
        Map<String, INDArray> batch = Map.of("x", x);
        m.training(true);
        INDArray y = m.logits(batch).reshape(5, 3, 16);
        for (int c = 0; c < 3; c++) {
            INDArray ch = y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            assertEquals(0, ch.meanNumber().doubleValue(), 1e-4, "channel " + c + " centred");
            assertEquals(1, ch.mul(ch).meanNumber().doubleValue(), 1e-3, "channel " + c + " scaled");
        }
        INDArray xc = x.reshape(5, 3, 16);
        double mean0 = xc.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).meanNumber().doubleValue();
        m.step(batch, List.of("bn.weight")).free();
        assertEquals(List.of("bn.running_mean", "bn.running_var"), m.stateNames());
        assertEquals(0.1 * mean0, m.snapshot().get("bn.running_mean").getDouble(0), 1e-4, "running = 0.9·0 + 0.1·batch mean");

        // evaluation: (x − running mean) / √(running var + ε), and no update
        m.training(false);
        INDArray rm = m.snapshot().get("bn.running_mean"), rv = m.snapshot().get("bn.running_var");
        INDArray e = m.logits(batch).reshape(5, 3, 16);
        double expected = (xc.getDouble(2, 1, 7) - rm.getDouble(1)) / Math.sqrt(rv.getDouble(1) + BatchNorm.EPS);
        assertEquals(expected, e.getDouble(2, 1, 7), 1e-4);
        m.step(batch, List.of("bn.weight")).free();
        assertEquals(rm, m.snapshot().get("bn.running_mean"), "evaluation-mode steps (mask training) leave the statistics");

        // saved and restored with the parameters
        var saved = m.snapshot();
        Model other = bn();
        other.load(saved);
        assertEquals(rv, other.snapshot().get("bn.running_var"));
    }

    @Test
    void aSmallResNetOverfitsATinyBatchAndIsMaskable() {
        Model m = ResNet.cifar(1, 10, 2);
        assertEquals("ResNet-8", m.kind());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 3072);
        INDArray y = Nd4j.zeros(8, 10);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 10, 1);
        Dataset d = Dataset.of("tiny", "x", x, "y", y);
        Train.of(m).steps(150).batchSize(8).lr(1e-2).run(d);
        assertEquals(1.0, Eval.accuracy(m, d), 1e-9, "in evaluation mode, with the running statistics");
        List<String> masked = Masks.of(m).selected();
        assertTrue(masked.contains("bn1.weight") && masked.contains("layers.1.0.shortcut.0.weight"), "BN γ and convolutions are masked: " + masked);
        assertFalse(masked.contains("bn1.running_mean"));
        assertNull(m.replicas(4), "no K-copies path for models with running statistics");
    }
}
