package org.modmask.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reference's LayerNorm, γ·(x−mean)/(std_unbiased + 1e-5) + β over the last dimension, written out here. */
class LayerNormTest {
    @Test
    void matchesTheFormulaWithLearnedScaleAndShift() {
        int b = 3, t = 5, d = 7;
        Graph g = new Graph(1, DataType.FLOAT);
        SDVariable x = g.sd().placeHolder("x", DataType.FLOAT, -1, -1, d);
        SDVariable y = LayerNorm.apply(g, "ln", x, d);
        Nd4j.getRandom().setSeed(3);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, d).addi(0.5), beta = Nd4j.randn(DataType.FLOAT, d);
        g.sd().getVariable("ln.gamma").getArr().assign(gamma);
        g.sd().getVariable("ln.beta").getArr().assign(beta);
        INDArray xa = Nd4j.randn(DataType.FLOAT, b, t, d).muli(3).addi(1);
        INDArray out = y.eval(Map.of("x", xa));
        assertArrayEquals(new long[]{b, t, d}, out.shape());
        for (int i = 0; i < b; i++)
            for (int j = 0; j < t; j++) {
                double mean = 0, ss = 0;
                for (int k = 0; k < d; k++) mean += xa.getDouble(i, j, k) / d;
                for (int k = 0; k < d; k++) ss += Math.pow(xa.getDouble(i, j, k) - mean, 2);
                double std = Math.sqrt(ss / (d - 1));
                for (int k = 0; k < d; k++) {
                    double want = gamma.getDouble(k) * (xa.getDouble(i, j, k) - mean) / (std + 1e-5) + beta.getDouble(k);
                    assertEquals(want, out.getDouble(i, j, k), 1e-5, "at " + i + "," + j + "," + k);
                }
            }
    }
}
