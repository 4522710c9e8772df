package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faithful clipping (spec §1.5, corrected): the frozen parameters' gradient G accumulates, the norm covers G, the
 * current and the earlier stages' logit gradients, and the clip rescales all of them in place.
 */
class FaithfulClippingTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    /** Numbers small enough to follow by hand: a 3-4-5 triangle, then a 5-12-13 one. */
    @Test
    void handComputedTwoStepsOverTwoStages() {
        GradientCarry c = GradientCarry.fromBase(Map.of("w", vec(3, 0)));
        // stage 1, step 1: G = [3, 0] + [0, 4] = [3, 4] (‖G‖ = 5); logit gradient 12: n = 13, c = 1/13
        double f1 = c.step(Map.of("w", vec(0, 4)), List.of(vec(12)), 1.0);
        assertEquals(1 / (13 + 1e-6), f1, 1e-12);
        assertEquals(5.0 / 13, c.norm(), 1e-6);                      // G rescaled in place: [3, 4]/13
        assertEquals(0, c.oldLogitNorm(), 0);                        // the current logits are not "old" yet
        c.endStage();                                                // their clipped gradient 12/13 becomes old
        assertEquals(12.0 / 13, c.oldLogitNorm(), 1e-6);
        // stage 2, step 1: nothing new. n = √((5/13)² + (12/13)²) = 1: at the threshold, c = 1/(1 + 1e-6)
        // (G is float32, as the model's weights: n is 1 to within 1e-7)
        double f2 = c.step(Map.of("w", vec(0, 0)), List.of(vec(0)), 1.0);
        assertEquals(1 / (1 + 1e-6), f2, 2e-7);
        assertTrue(f2 < 1, "the norm reached the threshold, so the clip applies");
        // stage 2, step 2: G = [3, 4]/13·f2 + [0, 3] and a logit gradient 4: everything counts in the norm
        double g0 = 3.0 / 13 * f2, g1 = 4.0 / 13 * f2 + 3, old = 12.0 / 13 * f2;
        double n = Math.sqrt(g0 * g0 + g1 * g1 + 16 + old * old);
        double f3 = c.step(Map.of("w", vec(0, 3)), List.of(vec(4)), 1.0);
        assertEquals(1 / (n + 1e-6), f3, 1e-6);
        assertEquals(Math.sqrt(g0 * g0 + g1 * g1) * f3, c.norm(), 1e-6);
        assertEquals(old * f3, c.oldLogitNorm(), 1e-6);
        // no clipping below the threshold: G and old logits keep their size
        double before = c.norm();
        assertEquals(1.0, c.step(Map.of("w", vec(0, 0)), List.of(vec(0)), 100.0));
        assertEquals(before, c.norm(), 1e-9);
    }

    /**
     * Masks' two-stage training against a plain re-implementation of the reference's loop (PyTorch semantics, in
     * doubles, nothing of Masks reused): a linear classifier whose weight is masked and whose bias is not, K = 2.
     */
    @Test
    void matchesAPlainReimplementationOverTwoStages() {
        int in = 3, classes = 3, n = 12, batch = 4, k = 2, steps = 3;
        double beta = 0.05, lr = 0.1, clip = 0.05, init = 0.3;
        Model m = Mlp.classifier(in, new int[0], classes, 11);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, in).subi(0.5).muli(4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, (i * 7) % classes, 1);
        Dataset all = Dataset.of("all", "x", x, "y", y);
        Dataset firstHalf = all.subset("half", new int[]{0, 1, 2, 3, 4, 5});
        double[][] base = {{0.02, -0.01, 0.03, 0.0, 0.01, -0.02, 0.01, 0.0, 0.02}, {0.01, -0.02, 0.0}};
        Masks.NoiseSource noise = (u, step, s, t) -> {
            for (int i = 0; i < u.length(); i++) u.putScalar(i, 0.05 + 0.9 * frac(0.37 * (i + 1) + 0.61 * step + 0.23 * s));
        };
        Map<String, INDArray> baseGrad = Map.of("layers.0.weight", Nd4j.create(base[0], new long[]{classes, in}, 'c').castTo(DataType.FLOAT),
                "layers.0.bias", Nd4j.create(base[1], new long[]{classes}, 'c').castTo(DataType.FLOAT));
        GradientCarry carry = GradientCarry.fromBase(baseGrad);

        Reference ref = new Reference(m, in, classes, k, beta, lr, clip, batch, base);
        WeightMask got1 = Masks.of(m).carry(carry).batchSize(batch).samples(k).beta(beta).lr(lr).clip(clip).init(init)
                .steps(steps).noise(noise).train(all);
        double[] want1 = ref.stage(all, init, steps, noise);
        assertClose(want1, got1.logits("layers.0.weight"), "stage 1");
        WeightMask got2 = Masks.of(m).carry(carry).batchSize(batch).samples(k).beta(beta).lr(lr).clip(clip).init(init)
                .steps(steps).noise(noise).train(firstHalf);
        double[] want2 = ref.stage(firstHalf, init, steps, noise);
        assertClose(want2, got2.logits("layers.0.weight"), "stage 2");
        assertTrue(ref.minFactor < 0.5, "the case must clip: smallest factor " + ref.minFactor);

        // the logit-only clipping is another optimization: it must not give the same logits here
        WeightMask clean = Masks.of(m).clipping(Clipping.LOGITS).batchSize(batch).samples(k).beta(beta).lr(lr).clip(clip)
                .init(init).steps(steps).noise(noise).train(all);
        double diff = 0;
        for (int i = 0; i < want1.length; i++) diff = Math.max(diff, Math.abs(want1[i] - clean.logits("layers.0.weight").getDouble(i)));
        assertTrue(diff > 1e-3, "faithful and logit-only clipping gave the same logits (" + diff + ")");
    }

    /** Eight random rows of 3 inputs and 3 classes: enough for tests that only need masks to train. */
    private static Dataset eightRows() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 3, 1);
        return Dataset.of("all", "x", x, "y", y);
    }

    /** An interrupt (JJava only sets the thread's flag) stops mask training before its next step. */
    @Test
    void anInterruptStopsMaskTraining() {
        Model m = Mlp.classifier(3, new int[0], 3, 11);
        Dataset all = eightRows();
        Thread.currentThread().interrupt();
        var e = assertThrows(java.util.concurrent.CancellationException.class, () -> Masks.of(m).batchSize(4).steps(100).train(all));
        assertTrue(e.getMessage().contains("step 0 of 100"), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is consumed");
    }

    /** A later stage starts from a different carried gradient, so its saved masks must not stand in for a first stage's. */
    @Test
    void theSettingsKeyNamesTheStagesTheCarryHasSeen() {
        Model m = Mlp.classifier(3, new int[0], 3, 11);
        Dataset all = eightRows();
        GradientCarry carry = GradientCarry.empty();
        Masks first = Masks.of(m).carry(carry).batchSize(4).steps(2);
        String before = first.settings();
        first.train(all);
        assertEquals(1, carry.stages());
        Masks second = Masks.of(m).carry(carry).batchSize(4).steps(2);
        assertNotEquals(before, second.settings(), "the second stage's key differs from the first's");
        assertTrue(second.settings().contains("after-stages=1"), second.settings());
        assertEquals(Masks.of(m).clipping(Clipping.LOGITS).carry(carry).batchSize(4).steps(2).settings(),
                Masks.of(m).clipping(Clipping.LOGITS).batchSize(4).steps(2).settings(), "logit-only clipping carries nothing");
    }

    /** The reference's loop, written out: G is .grad of the frozen weight and bias, never zeroed. */
    private static final class Reference {
        final int in, classes, k, batch;
        final double beta, lr, clip;
        final double[] w, bias;
        final double[] gW, gB;                   // G
        double oldSq;                            // earlier stages' logits' .grad, squared norm
        double minFactor = 1;

        Reference(Model m, int in, int classes, int k, double beta, double lr, double clip, int batch, double[][] base) {
            this.in = in;
            this.classes = classes;
            this.k = k;
            this.beta = beta;
            this.lr = lr;
            this.clip = clip;
            this.batch = batch;
            w = m.get("layers.0.weight").dup('c').data().asDouble();
            bias = m.get("layers.0.bias").dup('c').data().asDouble();
            gW = base[0].clone();
            gB = base[1].clone();
        }

        double[] stage(Dataset data, double init, int steps, Masks.NoiseSource noise) {
            int nw = classes * in, chunk = batch / k;
            double[] l = new double[nw], m1 = new double[nw], m2 = new double[nw], gL = new double[nw];
            java.util.Arrays.fill(l, init);
            var sampler = data.sampler(batch, 1234);                 // Masks' default data seed: the same batches
            for (int t = 0; t < steps; t++) {
                Map<String, INDArray> b = data.rows(sampler.batch(t));
                double[] xs = b.get("x").dup('c').data().asDouble(), ys = b.get("y").dup('c').data().asDouble();
                java.util.Arrays.fill(gL, beta / batch);              // the regularizer's gradient
                for (int s = 0; s < k; s++) {
                    INDArray u = Nd4j.zeros(DataType.FLOAT, classes, in);
                    noise.fill(u, t, s, 0);
                    double[] us = u.data().asDouble();
                    double[] hard = new double[nw], sig = new double[nw];
                    for (int i = 0; i < nw; i++) {
                        double z = l[i] + Math.log(us[i]) - Math.log(1 - us[i]);
                        hard[i] = z > 0 ? 1 : 0;
                        sig[i] = 1 / (1 + Math.exp(-z));
                    }
                    for (int r = s * chunk; r < (s + 1) * chunk; r++) {
                        double[] o = new double[classes];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int c = 0; c < classes; c++) {
                            o[c] = bias[c];
                            for (int j = 0; j < in; j++) o[c] += w[c * in + j] * hard[c * in + j] * xs[r * in + j];
                            max = Math.max(max, o[c]);
                        }
                        for (int c = 0; c < classes; c++) sum += Math.exp(o[c] - max);
                        for (int c = 0; c < classes; c++) {
                            double d = (Math.exp(o[c] - max) / sum - ys[r * classes + c]) / chunk / k;   // ∂(mean of chunk means)/∂o
                            gB[c] += d;                                                             // bias: .grad += ∂L/∂b
                            for (int j = 0; j < in; j++) {
                                int i = c * in + j;
                                double dWeff = d * xs[r * in + j];
                                gW[i] += dWeff * hard[i];                                           // .grad += ∂L/∂W_eff ⊙ b
                                gL[i] += dWeff * w[i] * sig[i] * (1 - sig[i]);                      // straight-through
                            }
                        }
                    }
                }
                double sq = oldSq;
                for (double v : gW) sq += v * v;
                for (double v : gB) sq += v * v;
                for (double v : gL) sq += v * v;
                double f = Math.min(1, clip / (Math.sqrt(sq) + 1e-6));
                minFactor = Math.min(minFactor, f);
                for (int i = 0; i < gW.length; i++) gW[i] *= f;
                for (int i = 0; i < gB.length; i++) gB[i] *= f;
                oldSq *= f * f;
                for (int i = 0; i < nw; i++) gL[i] *= f;
                for (int i = 0; i < nw; i++) {                                              // torch.optim.Adam
                    m1[i] = 0.9 * m1[i] + 0.1 * gL[i];
                    m2[i] = 0.999 * m2[i] + 0.001 * gL[i] * gL[i];
                    double mh = m1[i] / (1 - Math.pow(0.9, t + 1)), vh = m2[i] / (1 - Math.pow(0.999, t + 1));
                    l[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                }
            }
            for (double v : gL) oldSq += v * v;                       // this stage's last .grad stays behind
            return l;
        }
    }

    private static void assertClose(double[] want, INDArray got, String what) {
        double[] g = got.dup('c').data().asDouble();
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], g[i], 2e-5, what + ": logit " + i + " (want " + java.util.Arrays.toString(want) + ", got " + java.util.Arrays.toString(g) + ")");
    }

    private static double frac(double v) {
        return v - Math.floor(v);
    }

    private static INDArray vec(double... v) {
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }
}
