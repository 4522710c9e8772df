package org.modmask.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Adam equals PyTorch's update rule, written out here in double precision, over several steps. */
class AdamTest {
    @Test
    void matchesPyTorchsFormula() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] p = {0.5, -1.0, 2.0}, m = new double[3], v = new double[3];
        INDArray param = Nd4j.createFromArray(p).castTo(DataType.DOUBLE);
        Adam adam = new Adam(lr, b1, b2, eps);
        for (int t = 1; t <= 5; t++) {
            double[] g = {0.1 * t, -0.3, t % 2 == 0 ? 1e-9 : 2.0};
            for (int i = 0; i < 3; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(b1, t)), vh = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            Map<String, INDArray> params = new HashMap<>(Map.of("w", param));
            adam.step(params, new HashMap<>(Map.of("w", Nd4j.createFromArray(g).castTo(DataType.DOUBLE))), 1.0);
            for (int i = 0; i < 3; i++) assertEquals(p[i], param.getDouble(i), 1e-12, "step " + t + " element " + i);
        }
    }

    /** Float32 parameters take the one-pass Java update; it agrees with the formula to float precision. */
    @Test
    void floatPathMatchesTheFormula() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        int n = 50_000;                                  // several chunks of the parallel pass
        java.util.Random r = new java.util.Random(3);
        double[] p = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) p[i] = r.nextGaussian();
        INDArray param = Nd4j.createFromArray(p).castTo(DataType.FLOAT);
        Adam adam = new Adam(lr, b1, b2, eps);
        double scale = 0.7;
        for (int t = 1; t <= 4; t++) {
            double[] g = new double[n];
            for (int i = 0; i < n; i++) g[i] = r.nextGaussian() * (i % 3 == 0 ? 1e-6 : 1);
            for (int i = 0; i < n; i++) {
                double gi = g[i] * scale;
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mh = m[i] / (1 - Math.pow(b1, t)), vh = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            adam.step(new HashMap<>(Map.of("w", param)), new HashMap<>(Map.of("w", Nd4j.createFromArray(g).castTo(DataType.FLOAT))), scale);
            for (int i = 0; i < n; i += 997) assertEquals(p[i], param.getDouble(i), 1e-5 * (1 + Math.abs(p[i])), "step " + t + " element " + i);
        }
        assertEquals(DataType.FLOAT, adam.firstMoments().get("w").dataType());
    }
}
