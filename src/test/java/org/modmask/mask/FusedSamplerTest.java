package org.modmask.mask;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/** The one-pass sampler against the definition b = 1[l + log u − log(1−u) > 0], s = σ(l + log u − log(1−u)): W ⊙ b and W ⊙ s(1−s). */
class FusedSamplerTest {
    @Test
    void matchesTheDefinitionIncludingExtremeLogits() {
        int n = 70_000;                                   // more than two chunks of the parallel pass
        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.randn(DataType.FLOAT, n).addi(0.01), l = Nd4j.randn(DataType.FLOAT, n).muli(3);
        float[] extremes = {200, -200, 88.8f, 80, -103.9f, 0};
        for (int i = 0; i < extremes.length; i++) l.putScalar(i, extremes[i]);
        INDArray a = FusedSampler.expLogits(l.ulike(), l), eff = w.ulike();
        INDArray u = Nd4j.rand(DataType.FLOAT, n).muli(0.999998).addi(1e-6);
        float[] ds = new float[n];
        FusedSampler.sample(FusedSampler.view(w), FusedSampler.view(a), FusedSampler.view(eff), ds, FusedSampler.view(u), 1, 2, 3, 4);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            double z = l.getDouble(i) + Math.log(u.getDouble(i)) - Math.log(1 - u.getDouble(i));
            double s = 1 / (1 + Math.exp(-z));
            boolean keep = eff.getFloat(i) != 0;
            if (Math.abs(z) > 1e-4) assertEquals(z > 0, keep, "sample of element " + i + " (z = " + z + ")");
            if (keep) {
                assertEquals(w.getFloat(i), eff.getFloat(i), 0, "kept weight " + i);
                kept++;
            }
            double wi = w.getDouble(i);
            assertTrue(Float.isFinite(ds[i]), "W s(1-s) of element " + i);
            assertEquals(wi * s * (1 - s), ds[i], 2e-5 * Math.max(1, Math.abs(wi)), "W s(1-s) of element " + i);
        }
        assertEquals(w.getFloat(0), eff.getFloat(0), 0, "a logit of 200 keeps its weight");
        assertEquals(0f, eff.getFloat(1), 0, "a logit of -200 drops its weight");
        assertTrue(kept > n / 4 && kept < 3 * n / 4, "kept " + kept);
    }

    @Test
    void drawsDependOnlyOnSeedStepSampleAndTensor() {
        int n = 50_000;
        INDArray w = Nd4j.ones(DataType.FLOAT, n), a = Nd4j.ones(DataType.FLOAT, n), e1 = w.ulike(), e2 = w.ulike(), e3 = w.ulike();
        float[] d1 = new float[n], d2 = new float[n], d3 = new float[n];
        FusedSampler.sample(FusedSampler.view(w), FusedSampler.view(a), FusedSampler.view(e1), d1, null, 9, 7, 1, 0);
        FusedSampler.sample(FusedSampler.view(w), FusedSampler.view(a), FusedSampler.view(e2), d2, null, 9, 7, 1, 0);
        FusedSampler.sample(FusedSampler.view(w), FusedSampler.view(a), FusedSampler.view(e3), d3, null, 9, 7, 2, 0);
        assertEquals(e1, e2);
        assertArrayEquals(d1, d2);
        assertNotEquals(e1, e3, "another sample must draw other noise");
    }

    @Test
    void generatedUniformsAreUniformAndIndependentOfTheirNeighbours() {
        int n = org.modmask.nn.HostFloats.CHUNK;
        float[] u = new float[n];
        double sum = 0, sq = 0, lag = 0;
        int[] bins = new int[16];
        for (int chunk = 0; chunk < 8; chunk++) {
            FusedSampler.uniforms(org.modmask.data.BatchSampler.mix(3, chunk), u, n);
            for (int i = 0; i < n; i++) {
                assertTrue(u[i] > 0 && u[i] < 1, "uniform " + u[i] + " outside (0, 1)");
                sum += u[i];
                sq += u[i] * u[i];
                if (i > 0) lag += (u[i] - 0.5) * (u[i - 1] - 0.5);
                bins[(int) (u[i] * 16)]++;
            }
        }
        int total = 8 * n;
        assertEquals(0.5, sum / total, 0.003, "mean");
        assertEquals(1 / 12.0, sq / total - (sum / total) * (sum / total), 0.001, "variance");
        assertEquals(0, lag / total / (1 / 12.0), 0.01, "correlation of neighbouring draws");
        double chi2 = 0;
        for (int b : bins) chi2 += Math.pow(b - total / 16.0, 2) / (total / 16.0);
        assertTrue(chi2 < 40, "chi-squared over 16 bins (15 degrees of freedom) " + chi2);
    }

    @Test
    void generatedSamplesKeepAWeightWithProbabilitySigmoidOfItsLogit() {
        int n = 200_000;
        float[] logits = {-2, 0, 1.5f};
        for (float logit : logits) {
            INDArray w = Nd4j.ones(DataType.FLOAT, n), l = Nd4j.valueArrayOf(new long[]{n}, logit);
            INDArray a = FusedSampler.expLogits(l.ulike(), l), eff = w.ulike();
            FusedSampler.sample(FusedSampler.view(w), FusedSampler.view(a), FusedSampler.view(eff), new float[n], null, 1, 0, 0, 0);
            double p = 1 / (1 + Math.exp(-logit)), kept = eff.sumNumber().doubleValue() / n;
            assertEquals(p, kept, 4 * Math.sqrt(p * (1 - p) / n), "share kept at logit " + logit);
        }
    }
}
