package org.modmask.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Graph#relu} against SameDiff's own relu: the same values and the same gradient, zeros included. */
class ReluTest {
    @Test
    void sameValuesAndGradientsAsSameDiffsRelu() {
        Nd4j.getRandom().setSeed(3);
        INDArray x0 = Nd4j.randn(DataType.FLOAT, 64, 50);
        x0.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(0);
        INDArray c = Nd4j.randn(DataType.FLOAT, 64, 50);
        INDArray[] ours = run(x0, c, true), theirs = run(x0, c, false);
        assertEquals(0.0, ours[0].sub(theirs[0]).amaxNumber().doubleValue(), "forward values");
        assertEquals(0.0, ours[1].sub(theirs[1]).amaxNumber().doubleValue(), "gradients");
        assertEquals(0.0, ours[0].minNumber().doubleValue(), "no negative outputs");
    }

    /** Returns relu(x) and d(sum(relu(x) · c))/dx. */
    private static INDArray[] run(INDArray x0, INDArray c, boolean ours) {
        Graph g = new Graph(1);
        SameDiff sd = g.sd();
        SDVariable x = sd.var("x", x0.dup());
        SDVariable y = ours ? g.relu(x) : sd.nn().relu(x, 0);
        SDVariable loss = y.mul(sd.constant(c)).sum();
        loss.markAsLoss();
        INDArray out = y.eval().dup();
        INDArray grad = Quiet.stdout(() -> sd.calculateGradients(Map.of(), "x")).get("x");
        return new INDArray[]{out, grad};
    }
}
