package org.modmask.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.*;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Finite-difference checks, in double precision, of every op the models use (stack notes: several SameDiff
 * ops have wrong gradients in M2.1). For random elements of every parameter, the analytic gradient must match
 * the central difference of the loss.
 */
class GradientCheckTest {
    static void check(Model m, Map<String, INDArray> batch, int perParam) {
        List<String> names = m.parameters().stream().map(Param::name).toList();
        Model.Step s = m.step(batch, names);
        SplittableRandom r = new SplittableRandom(3);
        double eps = 1e-6;
        for (String n : names) {
            INDArray w = m.get(n), g = s.gradients().get(n);
            assertNotNull(g, "no gradient for " + n);
            for (int k = 0; k < perParam; k++) {
                long i = r.nextLong(w.length());
                double orig = w.getDouble(i);
                w.putScalar(i, orig + eps);
                double up = m.loss(batch);
                w.putScalar(i, orig - eps);
                double down = m.loss(batch);
                w.putScalar(i, orig);
                double numeric = (up - down) / (2 * eps), analytic = g.getDouble(i);
                double tol = 1e-5 + 1e-3 * Math.max(Math.abs(numeric), Math.abs(analytic));
                assertEquals(numeric, analytic, tol, n + "[" + i + "]");
            }
        }
    }

    static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.DOUBLE, shape).subi(0.5);
    }

    static INDArray oneHot(int rows, int classes, int seed) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, classes);
        for (int i = 0; i < rows; i++) y.putScalar(i, (i * 7 + seed) % classes, 1);
        return y;
    }

    @Test
    void simpleCnn() {
        Model m = SimpleCnn.classifier(3, 8, 8, 4, 0, 0, 1, new Graph(1, DataType.DOUBLE));
        check(m, Map.of("x", rand(3, 3 * 8 * 8), "y", oneHot(3, 4, 1)), 3);
    }

    @Test
    void lstm() {
        Model m = LstmClassifier.of(new Graph(2, DataType.DOUBLE), 5, 4, 2, 3, 2, 3);
        check(m, Map.of("x", rand(4, 5), "y", Nd4j.concat(1, oneHot(4, 3, 0), oneHot(4, 3, 2))), 3);
    }

    @Test
    void transformerWithEmbeddingsLayerNormAndMasks() {
        var c = new Transformer.Config(6, 5, 8, 2, 1, 1, 12, 0.0, false);
        Model m = Transformer.of(new Graph(3, DataType.DOUBLE), c);
        INDArray src = Nd4j.createFromArray(new double[][]{{1, 2, 3, 5}, {4, 1, 5, 0}});
        INDArray srcMask = Nd4j.createFromArray(new double[][]{{1, 1, 1, 1}, {1, 1, 1, 0}});
        INDArray tgtIn = Nd4j.createFromArray(new double[][]{{4, 0, 1}, {4, 2, 0}});
        INDArray tgtOut = Nd4j.createFromArray(new double[][]{{0, 1, 4}, {2, 4, 0}});
        INDArray tgtMask = Nd4j.createFromArray(new double[][]{{1, 1, 1}, {1, 1, 0}});
        check(m, Map.of("src", src, "src_mask", srcMask, "tgt_in", tgtIn, "tgt_out", tgtOut, "tgt_mask", tgtMask), 2);
    }

    @Test
    void transformerWithTiedScaledOutputEmbedding() {
        // the Mathematics model: one table for input, decoder input and (transposed, scaled by √(1/d)) output
        var c = new Transformer.Config(6, 6, 8, 2, 1, 1, 12, 0.0, true);
        Model m = Transformer.of(new Graph(4, DataType.DOUBLE), c);
        assertFalse(m.parameters().stream().anyMatch(p -> p.name().startsWith("output")), "tied: no separate output layer");
        INDArray src = Nd4j.createFromArray(new double[][]{{1, 2, 3, 5}, {4, 1, 5, 0}});
        INDArray srcMask = Nd4j.createFromArray(new double[][]{{1, 1, 1, 1}, {1, 1, 1, 0}});
        INDArray tgtIn = Nd4j.createFromArray(new double[][]{{5, 0, 1}, {5, 2, 0}});
        INDArray tgtOut = Nd4j.createFromArray(new double[][]{{0, 1, 5}, {2, 5, 0}});
        INDArray tgtMask = Nd4j.createFromArray(new double[][]{{1, 1, 1}, {1, 1, 0}});
        check(m, Map.of("src", src, "src_mask", srcMask, "tgt_in", tgtIn, "tgt_out", tgtOut, "tgt_mask", tgtMask), 2);
    }
}
