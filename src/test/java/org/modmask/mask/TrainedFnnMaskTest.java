package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Spec T0b on a small trained FNN; higher β keeps fewer weights; the same seed gives the same mask. */
class TrainedFnnMaskTest {
    static Model net;
    static Dataset data;

    @BeforeAll
    static void train() {
        Progress.Factory.quiet(true);
        data = Toy.addMod10();
        net = Mlp.classifier(20, new int[]{128, 128}, 10, 11);
        Train.of(net).steps(800).batchSize(64).run(data);
        assertEquals(1.0, Eval.accuracy(net, data), 1e-9, "the base network must learn addition mod 10");
    }

    @Test
    void controlMaskKeepsAccuracyWhileDroppingMostWeights() {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> before = net.snapshot();
        WeightMask control = Masks.of(net).batchSize(64).beta(1e-3).steps(1000).train(data);
        double acc = control.accuracy(net, data);
        assertTrue(acc >= 0.95, "accuracy under the control mask: " + acc);
        assertTrue(control.density() < 0.5, "the control mask should drop most weights: " + control);
        for (var e : before.entrySet())
            assertEquals(e.getValue(), net.get(e.getKey()), "mask training changed frozen weight " + e.getKey());
    }

    @Test
    void higherBetaKeepsFewerWeightsAndTheSameSeedGivesTheSameMask() {
        Masks weak = Masks.of(net).batchSize(64).steps(300).beta(1e-4);
        Masks strong = Masks.of(net).batchSize(64).steps(300).beta(1e-1);
        WeightMask a = weak.train(data), b = strong.train(data), again = weak.train(data);
        assertTrue(b.keptCount() < a.keptCount(), "β=0.1 kept " + b.keptCount() + ", β=1e-4 kept " + a.keptCount());
        for (String p : a.params()) assertEquals(a.logits(p), again.logits(p), "same seeds, different logits for " + p);
        WeightMask other = Masks.of(net).batchSize(64).steps(300).noiseSeed(99).train(data);
        assertNotEquals(a.logits("layers.0.weight"), other.logits("layers.0.weight"));
    }
}
