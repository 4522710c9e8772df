package org.modmask.nn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Each model can fit a handful of examples exactly (a smoke test of its forward and backward pass). */
class OverfitTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void simpleCnnOverfitsATinyBatch() {
        Model m = SimpleCnn.classifier(3, 8, 8, 4, true, 5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3 * 8 * 8);
        INDArray y = GradientCheckTest.oneHot(8, 4, 1).castTo(DataType.FLOAT);
        Dataset d = Dataset.of("tiny", "x", x, "y", y);
        Train.of(m).steps(300).batchSize(8).lr(3e-3).run(d);
        assertEquals(1.0, Eval.accuracy(m, d), 1e-9);
    }

    @Test
    void lstmOverfitsAFewExamples() {
        Model m = LstmClassifier.of(6, 16, 2, 3, 2, 3, 5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 6);
        INDArray y = Nd4j.concat(1, GradientCheckTest.oneHot(6, 3, 0), GradientCheckTest.oneHot(6, 3, 1)).castTo(DataType.FLOAT);
        Dataset d = Dataset.of("tiny", "x", x, "y", y);
        Train.of(m).steps(400).batchSize(6).lr(1e-2).run(d);
        assertEquals(1.0, Eval.accuracy(m, d), 1e-9);
    }

    @Test
    void transformerOverfitsAFewPairsAndDecodesThemGreedily() {
        // copy-reverse task: target = reversed source; vocab 0..3 tokens, 4 = SOS/EOS
        var c = new Transformer.Config(5, 5, 16, 2, 1, 1, 32, 0.1, false);
        Model m = Transformer.of(c, 7);
        float[][] src = {{0, 1, 2}, {2, 2, 3}, {3, 0, 1}, {1, 3, 0}};
        int b = src.length, n = 3;
        INDArray s = Nd4j.create(src), sm = Nd4j.ones(b, n);
        INDArray tin = Nd4j.zeros(b, n + 1), tout = Nd4j.zeros(b, n + 1), tm = Nd4j.ones(b, n + 1);
        for (int i = 0; i < b; i++) {
            tin.putScalar(i, 0, 4);
            for (int t = 0; t < n; t++) {
                tin.putScalar(i, t + 1, src[i][n - 1 - t]);
                tout.putScalar(i, t, src[i][n - 1 - t]);
            }
            tout.putScalar(i, n, 4);
        }
        Dataset d = Dataset.of("reverse", "src", s, "src_mask", sm, "tgt_in", tin, "tgt_out", tout, "tgt_mask", tm);
        Train.of(m).steps(300).batchSize(4).lr(3e-3).run(d);
        Map<String, INDArray> all = d.slice(0, b);
        INDArray decoded = Seq2Seq.greedy(m, all, n + 2, 4, 4);
        assertEquals(b, Seq2Seq.exactMatches(decoded, all), "greedy decoding of the training pairs: " + decoded);
        assertEquals(1.0, Eval.accuracy(m, d), 1e-9);
    }
}
