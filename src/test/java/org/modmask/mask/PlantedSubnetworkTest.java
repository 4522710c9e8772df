package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.analysis.Compare;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The proof that the method finds what is there: an MLP built by hand (not trained) in which function A
 * (copy the one-hot {@code a} to output group 0) and function B (copy {@code b} to group 1) flow through
 * disjoint, known weights, next to distractor weights that cannot matter (they feed dead ReLUs or come out of
 * them). Masks trained for A and for B must recover exactly their planted weights.
 */
class PlantedSubnetworkTest {
    static final int N = 4, HIDDEN = 16;

    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    static Model planted() {
        Model m = Mlp.classifier(2 * N, new int[]{HIDDEN}, 2, N, 1);
        SplittableRandom r = new SplittableRandom(5);
        INDArray w0 = Nd4j.zeros(HIDDEN, 2 * N), b0 = Nd4j.zeros(HIDDEN);
        INDArray w1 = Nd4j.zeros(2 * N, HIDDEN), b1 = Nd4j.zeros(2 * N);
        for (int i = 0; i < 2 * N; i++) {
            w0.putScalar(i, i, 2);        // input i → hidden unit i
            b0.putScalar(i, 0.5);         // a live unit, as in a trained net: at exactly 0 a ReLU passes no
                                          // gradient, and a weight whose removal it hides could never come back
            w1.putScalar(i, i, 2);        // hidden unit i → output i (group i / N, class i % N)
        }
        for (int h = 2 * N; h < HIDDEN; h++) {
            b0.putScalar(h, -50);         // dead unit: its weights cannot matter
            for (int j = 0; j < 2 * N; j++) {
                w0.putScalar(h, j, r.nextDouble(-1, 1));
                w1.putScalar(j, h, r.nextDouble(-1, 1));
            }
        }
        m.load(Map.of("layers.0.weight", w0, "layers.0.bias", b0, "layers.1.weight", w1, "layers.1.bias", b1));
        return m;
    }

    /** Examples of every (a, b); labels only for the chosen function's group (the other group's are zero → no loss). */
    static Dataset data(String name, boolean a, boolean b) {
        float[][] x = new float[N * N][2 * N], y = new float[N * N][2 * N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int row = i * N + j;
                x[row][i] = 1;
                x[row][N + j] = 1;
                if (a) y[row][i] = 1;
                if (b) y[row][N + j] = 1;
            }
        return Dataset.of(name, "x", Nd4j.create(x), "y", Nd4j.create(y));
    }

    /** The planted weights of a function as a ±1 mask. */
    static WeightMask truth(Model m, int offset) {
        Map<String, INDArray> l = new LinkedHashMap<>();
        INDArray t0 = Nd4j.valueArrayOf(new long[]{HIDDEN, 2 * N}, -1f), t1 = Nd4j.valueArrayOf(new long[]{2 * N, HIDDEN}, -1f);
        for (int i = offset; i < offset + N; i++) {
            t0.putScalar(i, i, 1);
            t1.putScalar(i, i, 1);
        }
        l.put("layers.0.weight", t0);
        l.put("layers.1.weight", t1);
        return new WeightMask("truth", l);
    }

    @Test
    void masksRecoverThePlantedWeightsOfEachFunction() {
        Model m = planted();
        Map<String, INDArray> before = m.snapshot();
        Masks masks = Masks.of(m).batchSize(16).steps(600);
        WeightMask a = masks.train(data("A", true, false));
        WeightMask b = masks.train(data("B", false, true));

        double iouA = Compare.totalIou(a, truth(m, 0)), iouB = Compare.totalIou(b, truth(m, N));
        assertTrue(iouA >= 0.9, "IoU of mask A with the planted A weights: " + iouA + "\n" + a.summary());
        assertTrue(iouB >= 0.9, "IoU of mask B with the planted B weights: " + iouB + "\n" + b.summary());
        double hidden = Compare.iou(a, b).where(Compare.iou(a, b).stringColumn("param").isEqualTo("layers.0.weight"))
                .doubleColumn("iou").get(0);
        assertTrue(hidden <= 0.1, "A and B masks overlap in the hidden layer: IoU " + hidden);

        // each mask still computes its function, and the frozen weights are bit-identical
        assertEquals(1.0, a.accuracy(m, data("A", true, false)), 1e-9);
        assertEquals(1.0, b.accuracy(m, data("B", false, true)), 1e-9);
        for (var e : before.entrySet()) assertEquals(e.getValue(), m.get(e.getKey()), "frozen " + e.getKey() + " changed");
        // removing A's weights destroys A but not B
        assertTrue(a.not().accuracy(m, data("A", true, false)) < 0.5);
        assertEquals(1.0, a.not().accuracy(m, data("B", false, true)), 1e-9);
        assertEquals(List.of("layers.0.weight", "layers.1.weight"), a.params());
    }
}
